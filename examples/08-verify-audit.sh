#!/usr/bin/env bash
# 08 — Re-verify the audit chain outside lienthong: export every entry with
# GET /audit and recompute each SHA-256 from the canonical encoding written in
# the README ("The audit chain"), with nothing but Python's standard library.
# Then ask the server for its own verdict.
set -euo pipefail
source "$(dirname "$0")/lib.sh"
command -v python3 >/dev/null || { echo "this example needs python3" >&2; exit 1; }

TOKEN=$(token "$INSPECTOR_USER" "$INSPECTOR_PASSWORD")

step "Independent check: export the chain and recompute every hash (examples/verify-audit.py)"
python3 "$(dirname "$0")/verify-audit.py" "$BASE_URL" "$TOKEN"

step "The server's check: GET /audit/verify"
curl "$API/audit/verify" -H "Authorization: Bearer $TOKEN" | jq -e '.valid == true and .first_invalid_id == null' >/dev/null
curl "$API/audit/verify" -H "Authorization: Bearer $TOKEN" | jq .
