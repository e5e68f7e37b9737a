#!/usr/bin/env bash
# Deploys the GDN node app (../../fly.toml) and places one machine in every region listed in
# deploy/fly/regions.txt (or the regions given as arguments: deploy-nodes.sh ams iad syd sin).
# Needs flyctl, logged in, and the app created once (fly apps create <app>). Checked by DeployConfigTest.
set -euo pipefail
ROOT="$(cd "$(dirname "$(readlink -f "${BASH_SOURCE[0]}")")/../.." && pwd)"
CONFIG="$ROOT/fly.toml"

if [ "$#" -gt 0 ]; then
    regions=("$@")
else
    mapfile -t regions < <(grep -Ev '^\s*(#|$)' "$ROOT/deploy/fly/regions.txt")
fi
if [ "${#regions[@]}" -eq 0 ]; then
    echo "deploy-nodes: no regions (deploy/fly/regions.txt is empty)" >&2
    exit 2
fi
list=$(IFS=,; echo "${regions[*]}")

# One image for every region; the first deploy seeds machines in primary_region only.
fly deploy --config "$CONFIG" --yes
# Then exactly one machine per listed region (Fly keeps this scale across later deploys).
fly scale count "${#regions[@]}" --config "$CONFIG" --region "$list" --max-per-region 1 --yes
fly status --config "$CONFIG"
