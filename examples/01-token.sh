#!/usr/bin/env bash
# 01 — Get a token: log in as a demo user (JSON or the OAuth2 password form),
# then ask the API who you are. Tokens last LIENTHONG_TOKEN_TTL seconds (1 h).
set -euo pipefail
source "$(dirname "$0")/lib.sh"

step "POST /auth/token with JSON credentials"
TOKEN=$(curl -X POST "$API/auth/token" -H 'Content-Type: application/json' \
  -d "{\"username\": \"$DISTRICT_USER\", \"password\": \"$DISTRICT_PASSWORD\"}" | jq -er .access_token)
echo "access_token: ${TOKEN:0:32}…"

step "GET /auth/me: the token's user, role and agency"
curl "$API/auth/me" -H "Authorization: Bearer $TOKEN" | jq .

step "The same login as an OAuth2 password-grant form (what Swagger UI's Authorize sends)"
curl -X POST "$API/auth/token" \
  --data-urlencode grant_type=password \
  --data-urlencode "username=$DISTRICT_USER" \
  --data-urlencode "password=$DISTRICT_PASSWORD" | jq '{token_type, expires_in}'

step "A wrong password is a 401 problem+json (and repeated failures are throttled)"
status=$(command curl -sS -o /tmp/lienthong-01.json -w '%{http_code}' -X POST "$API/auth/token" \
  -H 'Content-Type: application/json' -d "{\"username\": \"$DISTRICT_USER\", \"password\": \"wrong-password\"}")
jq . /tmp/lienthong-01.json
[[ $status == 401 ]] || { echo "expected 401, got $status" >&2; exit 1; }

step "Without a token, a protected endpoint answers 401 with WWW-Authenticate: Bearer"
command curl -sS -o /dev/null -D - "$API/dossiers" | grep -i -E '^(HTTP|www-authenticate)'
