#!/usr/bin/env bash
# 05 — Check a dossier as the applicant: no account, only the code and the
# lookup key printed on the receipt. The answer says where the dossier is and
# when it is due, and nothing more. Pass CODE and KEY to check your own;
# otherwise the script files a dossier first.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

if [[ -z ${CODE:-} || -z ${KEY:-} ]]; then
  step "Filing a dossier at Thành ủy Thủ Dầu Một to get a receipt"
  DISTRICT=$(token "$DISTRICT_USER" "$DISTRICT_PASSWORD")
  RECEIPT=$(new_dossier "$(procedure_id TU-BTC-02)" "Lê Thị Mai" |
    curl -X POST "$API/dossiers" -H "Authorization: Bearer $DISTRICT" \
      -H 'Content-Type: application/json' --data @-)
  CODE=$(jq -er .code <<<"$RECEIPT")
  KEY=$(jq -er .lookup_key <<<"$RECEIPT")
  curl -X POST "$API/dossiers/$(jq -er .id <<<"$RECEIPT")/start" \
    -H "Authorization: Bearer $DISTRICT" >/dev/null
  echo "receipt: code $CODE, lookup key $KEY"
fi

step "GET /public/dossiers/$CODE?key=… (no token)"
curl -G "$API/public/dossiers/$CODE" --data-urlencode "key=$KEY" | jq .

step "A wrong key answers 404, exactly as an unknown code does"
status=$(command curl -sS -o /dev/null -w '%{http_code}' "$API/public/dossiers/$CODE?key=not-the-key")
echo "HTTP $status"
[[ $status == 404 ]] || { echo "expected 404" >&2; exit 1; }
