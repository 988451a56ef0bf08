#!/usr/bin/env bash
# 03 — File a dossier at the desk of Thành ủy Thủ Dầu Một: the answer carries
# the dossier code, its due date (working days from the procedure) and the
# lookup key for the applicant, shown only this once. An Idempotency-Key makes
# the request safe to retry.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TOKEN=$(token "$DISTRICT_USER" "$DISTRICT_PASSWORD")
PROCEDURE=$(procedure_id TU-BTC-02)   # Chuyển sinh hoạt đảng chính thức ra ngoài Đảng bộ tỉnh
BODY=$(new_dossier "$PROCEDURE" "Nguyễn Thị Hoa")
KEY="example-03-$(date +%s%N)"

step "POST /dossiers (Idempotency-Key: $KEY)"
curl -X POST "$API/dossiers" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: $KEY" \
  -D /tmp/lienthong-03.headers -d "$BODY" | tee /tmp/lienthong-03.json |
  jq '{id, code, status, received_agency_id, received_at, due_date, lookup_key}'
grep -i -E '^(HTTP|location|etag)' /tmp/lienthong-03.headers

step "The same request again: the first answer is replayed, nothing new is filed"
curl -X POST "$API/dossiers" -H "Authorization: Bearer $TOKEN" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: $KEY" -d "$BODY" |
  jq -e --argjson first "$(jq .id /tmp/lienthong-03.json)" '.id == $first' >/dev/null
echo "same dossier id: $(jq .id /tmp/lienthong-03.json)"

step "GET /dossiers?q=…: find it again by the applicant's name, without diacritics"
curl -G "$API/dossiers" -H "Authorization: Bearer $TOKEN" --data-urlencode 'q=nguyen thi hoa' \
  --data-urlencode status=received | jq '.items[0] | {id, code, title, status}'
