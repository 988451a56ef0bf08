#!/usr/bin/env bash
# 07 — Poll the change feed: events in commit order with increasing ids,
# filtered to what the caller may see. Keep the last id you processed and ask
# for `after=<that id>`: you never miss an event and never see one twice.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

TOKEN=$(token "$BOARD_USER" "$BOARD_PASSWORD")

step "GET /events?limit=5: the oldest events Ban Tổ chức may see"
curl "$API/events?limit=5" -H "Authorization: Bearer $TOKEN" |
  jq -r '.items[] | [.id, .type, .entity_type, .entity_id, (.payload.code // .payload.name // "")] | @tsv'

step "Catching up: follow after=<last id> until next_cursor is null"
AFTER=0
PAGES=0
while :; do
  PAGE=$(curl "$API/events?after=$AFTER&limit=500" -H "Authorization: Bearer $TOKEN")
  COUNT=$(jq '.items | length' <<<"$PAGE")
  if ((COUNT > 0)); then AFTER=$(jq '.items[-1].id' <<<"$PAGE"); fi
  PAGES=$((PAGES + 1))
  [[ $(jq -r .next_cursor <<<"$PAGE") == null ]] && break
done
echo "read $PAGES page(s); last event id $AFTER"

step "Something happens: a dossier is filed at Ban Tổ chức"
new_dossier "$(procedure_id TU-BTC-02)" "Phạm Minh Tuấn" |
  curl -X POST "$API/dossiers" -H "Authorization: Bearer $TOKEN" \
    -H 'Content-Type: application/json' --data @- | jq '{id, code}'

step "GET /events?after=$AFTER: exactly the new events"
curl "$API/events?after=$AFTER" -H "Authorization: Bearer $TOKEN" | tee /tmp/lienthong-07.json |
  jq '.items[] | {id, type, payload: (.payload | {code, status, received_agency_id})}'
jq -e '[.items[] | select(.type == "dossier.received")] | length == 1' /tmp/lienthong-07.json >/dev/null

step "Only some types: GET /events?types=dossier.status_changed"
curl "$API/events?types=dossier.status_changed&limit=3" -H "Authorization: Bearer $TOKEN" |
  jq -c '.items[] | {id, type, from: .payload.from, to: .payload.to}'
