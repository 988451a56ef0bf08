#!/usr/bin/env bash
# 06 — The compliance report (SPEC §5): for dossiers received in [from, to],
# the share of eligible inter-agency dossiers routed electronically against
# the year's target (80 % from 2025), on-time completions and open overdue
# dossiers — as JSON, by agency and by month, and as CSV for a spreadsheet.
set -euo pipefail
source "$(dirname "$0")/lib.sh"

FROM="${FROM:-2025-01-01}"
TO="${TO:-2025-12-31}"
TOKEN=$(token "$LEADER_USER" "$LEADER_PASSWORD")

step "GET /stats/compliance?from=$FROM&to=$TO — the province as a whole"
curl "$API/stats/compliance?from=$FROM&to=$TO" -H "Authorization: Bearer $TOKEN" |
  jq '.rows[0] | {dossiers, interagency_dossiers, electronic_dossiers, electronic_rate, target_rate,
                  meets_target, completed, on_time_rate, overdue_open}'

step "By receiving agency, furthest behind first (group_by=agency&order_by=electronic_rate&order=asc)"
curl "$API/stats/compliance?from=$FROM&to=$TO&group_by=agency&order_by=electronic_rate&order=asc" \
  -H "Authorization: Bearer $TOKEN" | tee /tmp/lienthong-06.json |
  jq -r '.rows[] | select(.interagency_dossiers > 0) |
    [.agency_name, .head_name, .interagency_dossiers, (.electronic_rate * 1000 | round / 10),
     (if .meets_target then "meets" else "BEHIND" end), (.on_time_rate // 0 | . * 1000 | round / 10)] | @tsv' |
  column -t -s $'\t'
jq -e '.rows | length > 0' /tmp/lienthong-06.json >/dev/null

step "Month by month since the demo began: paper routing falls"
curl "$API/stats/compliance?from=2025-06-01&to=$(date +%F)&group_by=month" -H "Authorization: Bearer $TOKEN" |
  jq -r '.rows[] | [.month, .interagency_dossiers, ((.electronic_rate // 0) * 1000 | round / 10)] | @tsv' |
  column -t -s $'\t'

step "The same report as CSV (Accept: text/csv)"
curl "$API/stats/compliance?from=$FROM&to=$TO&group_by=agency" -H "Authorization: Bearer $TOKEN" \
  -H 'Accept: text/csv' -o /tmp/lienthong-06.csv
head -n 5 /tmp/lienthong-06.csv
echo "… $(($(wc -l </tmp/lienthong-06.csv) - 1)) rows in /tmp/lienthong-06.csv"
