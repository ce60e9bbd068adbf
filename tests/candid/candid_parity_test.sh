# Our Candid encoder/decoder against npm @dfinity/candid (see candid_parity.mjs).
# Usage: bash tests/candid/candid_parity_test.sh path/to/hyv
set -euo pipefail
node tests/candid/candid_parity.mjs "$1"
