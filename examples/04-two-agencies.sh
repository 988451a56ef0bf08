#!/usr/bin/env bash
# 04 — Move a dossier through two agencies: Thành ủy Thủ Dầu Một receives it,
# starts it and routes it electronically to Ban Tổ chức Tỉnh ủy, which accepts
# it from its inbox and completes it. Every move can carry If-Match (the
# dossier's ETag) so that two clerks never overwrite each other.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

DISTRICT=$(token "$DISTRICT_USER" "$DISTRICT_PASSWORD")
BOARD=$(token "$BOARD_USER" "$BOARD_PASSWORD")
BTC=$(agency_id BTC-TU)
PROCEDURE=$(procedure_id TU-BTC-02)

step "Thủ Dầu Một files the dossier"
ID=$(new_dossier "$PROCEDURE" "Trần Văn Bình" |
  curl -X POST "$API/dossiers" -H "Authorization: Bearer $DISTRICT" \
    -H 'Content-Type: application/json' --data @- | jq -er .id)
echo "dossier $ID"

step "GET /dossiers/$ID: its ETag is its version"
ETAG=$(curl -sS -D - -o /dev/null "$API/dossiers/$ID" -H "Authorization: Bearer $DISTRICT" |
  tr -d '\r' | awk -F': ' 'tolower($1) == "etag" {print $2}')
echo "ETag: $ETAG"

step "POST /dossiers/$ID/start with If-Match: $ETAG"
curl -X POST "$API/dossiers/$ID/start" -H "Authorization: Bearer $DISTRICT" \
  -H "If-Match: $ETAG" | jq '{code, status, version}'

step "The same If-Match again is stale: 412"
status=$(command curl -sS -o /dev/null -w '%{http_code}' -X POST "$API/dossiers/$ID/start" \
  -H "Authorization: Bearer $DISTRICT" -H "If-Match: $ETAG")
echo "HTTP $status"
[[ $status == 412 ]] || { echo "expected 412" >&2; exit 1; }

step "POST /dossiers/$ID/transfers: route it electronically to Ban Tổ chức (step 1)"
TRANSFER=$(curl -X POST "$API/dossiers/$ID/transfers" -H "Authorization: Bearer $DISTRICT" \
  -H 'Content-Type: application/json' -H "Idempotency-Key: example-04-$ID" \
  -d "{\"to_agency_id\": $BTC, \"method\": \"electronic\", \"step_seq\": 1,
       \"note\": \"Chuyển Ban Tổ chức Tỉnh ủy cấp giấy giới thiệu\"}" | tee /tmp/lienthong-04.json | jq -er .id)
jq '{id, status, from_agency_id, to_agency_id, method, step_seq, on_process}' /tmp/lienthong-04.json

step "Ban Tổ chức's inbox: GET /transfers?direction=incoming&status=pending"
curl "$API/transfers?direction=incoming&status=pending&limit=500" -H "Authorization: Bearer $BOARD" |
  jq -e --argjson t "$TRANSFER" '[.items[] | select(.id == $t)] | length == 1' >/dev/null
curl "$API/transfers?direction=incoming&status=pending&limit=3" -H "Authorization: Bearer $BOARD" |
  jq '.items[] | {id, dossier_id, from_agency_id, method, sent_at}'

step "POST /transfers/$TRANSFER/accept: the dossier is now Ban Tổ chức's"
curl -X POST "$API/transfers/$TRANSFER/accept" -H "Authorization: Bearer $BOARD" |
  jq '{id, status, decided_at}'

step "POST /dossiers/$ID/complete"
curl -X POST "$API/dossiers/$ID/complete" -H "Authorization: Bearer $BOARD" \
  -H 'Content-Type: application/json' \
  -d '{"outcome": "approved", "note": "Đã cấp giấy giới thiệu sinh hoạt đảng số 215-GGT/BTCTU"}' |
  jq -e '.status == "completed"' >/dev/null

step "GET /dossiers/$ID/history: the timeline, agency by agency"
curl "$API/dossiers/$ID/history" -H "Authorization: Bearer $BOARD" |
  jq -r '.items[] | [.at, .action, (.from_status // "—"), .to_status, .agency_id, (.actor_username // "")] | @tsv' |
  column -t -s $'\t'
