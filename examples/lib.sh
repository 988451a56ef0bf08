# Shared by the example scripts (sourced, not run): where the API is, the demo
# logins, and a few helpers. Every value can be overridden from the environment:
#
#   BASE_URL=https://lienthong.example.org DISTRICT_PASSWORD=… ./03-file-dossier.sh
#
# Inside the scripts `curl` fails on any HTTP error (4xx/5xx) and still prints
# the problem+json body, so a failing step stops the script with a non-zero
# exit status and says which line failed.

set -Eeuo pipefail

BASE_URL="${BASE_URL:-http://127.0.0.1:8080}"
API="${BASE_URL%/}/api/v1"

# The demo users printed by `lienthong serve --demo` (see README.md).
DISTRICT_USER="${DISTRICT_USER:-officer.tdm}"          # officer at Thành ủy Thủ Dầu Một
DISTRICT_PASSWORD="${DISTRICT_PASSWORD:-officer-demo-2025}"
BOARD_USER="${BOARD_USER:-officer.btc}"                # officer at Ban Tổ chức Tỉnh ủy
BOARD_PASSWORD="${BOARD_PASSWORD:-officer-demo-2025}"
LEADER_USER="${LEADER_USER:-leader.tu}"                # leader at Tỉnh ủy Bình Dương (sees every agency)
LEADER_PASSWORD="${LEADER_PASSWORD:-leader-demo-2025}"
INSPECTOR_USER="${INSPECTOR_USER:-inspector}"
INSPECTOR_PASSWORD="${INSPECTOR_PASSWORD:-inspector-demo-2025}"

for tool in curl jq; do
  command -v "$tool" >/dev/null || { echo "this example needs $tool" >&2; exit 1; }
done

trap 'echo "FAILED (exit $?) at ${BASH_SOURCE[0]##*/}:$LINENO: $BASH_COMMAND" >&2' ERR

curl() { command curl --fail-with-body --silent --show-error "$@"; }

# step "what happens next": a heading in the script's output.
step() { printf '\n== %s\n' "$*"; }

# token USERNAME PASSWORD: logs in and prints the access token.
token() {
  jq -n --arg u "$1" --arg p "$2" '{username: $u, password: $p}' |
    curl -X POST "$API/auth/token" -H 'Content-Type: application/json' --data @- |
    jq -er .access_token
}

# procedure_id CODE: the id of the published version of a procedure.
procedure_id() {
  curl -G "$API/procedures" --data-urlencode "q=$1" --data-urlencode status=published |
    jq -er --arg code "$1" '[.items[] | select(.code == $code)][0].id'
}

# agency_id CODE: the id of an agency.
agency_id() {
  curl "$API/agencies?limit=500" | jq -er --arg code "$1" '.items[] | select(.code == $code) | .id'
}

# new_dossier PROCEDURE_ID APPLICANT: a filing request body.
new_dossier() {
  jq -n --argjson procedure "$1" --arg name "$2" '{
    procedure_id: $procedure,
    title: "Chuyển sinh hoạt đảng chính thức — đảng viên \($name)",
    applicant: {name: $name, kind: "member", reference: "ĐV-0123456", contact: "0274 3822 111"},
    channel: "in_person",
    documents: [
      {name: "Giấy giới thiệu sinh hoạt đảng của cấp ủy cơ sở", sha256: ("ab" * 32), pages: 1},
      {name: "Phiếu báo chuyển sinh hoạt đảng", sha256: ("cd" * 32), pages: 1}
    ]}'
}
