#!/usr/bin/env bash
# 02 — Browse the catalogue: agencies and published procedures are public
# (no token). Search ignores case and Vietnamese diacritics: `ket nap` finds
# "Kết nạp".
set -euo pipefail
source "$(dirname "$0")/lib.sh"

step "GET /agencies: the Party agencies of the province and their tree"
curl "$API/agencies?limit=100" |
  jq -r '.items[] | [.id, .code, .level, .name, (.parent_id // "—")] | @tsv' | column -t -s $'\t'

step "GET /procedures?q=ket nap dang vien — search without diacritics"
curl -G "$API/procedures" --data-urlencode 'q=ket nap dang vien' |
  jq -e '.items | length > 0' >/dev/null
curl -G "$API/procedures" --data-urlencode 'q=ket nap dang vien' |
  jq '.items[] | {id, code, name, processing_days, interagency, electronic_eligible}'

step "GET /procedures?interagency=true: the inter-agency procedures (thủ tục liên thông)"
curl "$API/procedures?interagency=true&limit=100" |
  jq -r '.items[] | [.code, .processing_days, .name] | @tsv' | column -t -s $'\t'

step "GET /procedures/{id}: one procedure's process, step by step, and its documents"
ID=$(curl -G "$API/procedures" --data-urlencode 'q=huy hieu dang' | jq -er '.items[0].id')
curl "$API/procedures/$ID" | jq '{code, name, legal_basis, processing_days,
  steps: [.steps[] | "\(.seq). [agency \(.agency_id), \(.days) ngày] \(.action)"],
  documents: [.documents[] | .name]}'

step "GET /holidays?year=2026: the working-day calendar behind every due date"
curl "$API/holidays?year=2026" | jq -r '.items[] | "\(.date)  \(.name)"'

step "GET /stats/catalog: the 2023 commitment — every process written and published"
TOKEN=$(token "$INSPECTOR_USER" "$INSPECTOR_PASSWORD")
curl "$API/stats/catalog" -H "Authorization: Bearer $TOKEN" | jq .
