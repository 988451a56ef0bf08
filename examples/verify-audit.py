#!/usr/bin/env python3
"""Re-verify lienthong's audit chain from an export (GET /api/v1/audit).

Usage: verify-audit.py BASE_URL TOKEN   (an inspector's or admin's token)

Each entry's hash is the SHA-256 of the compact JSON array
[id, at, actor_id, actor_username, actor_role, actor_agency_id, action,
 entity_type, entity_id, data, request_id, prev_hash]
with `at` as YYYY-MM-DDTHH:MM:SS.ffffffZ and `data` as its compact JSON text
(keys in the order served); each prev_hash is the previous entry's hash.
Exits 1 naming the first entry that does not verify.
"""
import hashlib, json, sys, urllib.request
base, token = sys.argv[1], sys.argv[2]
prev, checked, cursor = "0" * 64, 0, None
while True:
    url = f"{base}/api/v1/audit?limit=500" + (f"&cursor={cursor}" if cursor else "")
    req = urllib.request.Request(url, headers={"Authorization": f"Bearer {token}"})
    page = json.load(urllib.request.urlopen(req))
    for e in page["items"]:
        at = e["at"].replace("Z", "")
        if "." not in at:
            at += ".000000"
        whole, frac = at.split(".")
        at = f"{whole}.{frac.ljust(6, '0')[:6]}Z"
        data = json.dumps(e["data"], separators=(",", ":"), ensure_ascii=False)
        canonical = json.dumps([e["id"], at, e["actor_id"], e["actor_username"], e["actor_role"], e["actor_agency_id"],
                                e["action"], e["entity_type"], e["entity_id"], data, e["request_id"], e["prev_hash"]],
                               separators=(",", ":"), ensure_ascii=False)
        digest = hashlib.sha256(canonical.encode()).hexdigest()
        if e["prev_hash"] != prev or digest != e["hash"]:
            print(f"entry {e['id']} does not verify"); print(canonical[:400]); sys.exit(1)
        prev, checked = e["hash"], checked + 1
    cursor = page["next_cursor"]
    if not cursor:
        break
print(f"{checked} entries verified")
