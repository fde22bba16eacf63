#!/usr/bin/env bash
# Body of the checkout stand-in; see action.yml.
set -euo pipefail
: "${ACT_STANDIN_ORIGIN:?the checkout stand-in needs ACT_STANDIN_ORIGIN}"
dest="$GITHUB_WORKSPACE/${INPUT_PATH}"
ref="${INPUT_REF:-${GITHUB_SHA:-HEAD}}"
mkdir -p "$dest"
cd "$dest"
find . -mindepth 1 -delete
if [ "${INPUT_REPOSITORY:-}" = "agent-foreman/agent-foreman" ]; then
  : "${ACT_STANDIN_SELF:?the checkout stand-in needs ACT_STANDIN_SELF for agent-foreman}"
  if ! [[ "$ref" =~ ^[0-9a-f]{40}$ ]] || [ ! -d "$ACT_STANDIN_SELF/$ref" ]; then
    echo "stand-in checkout: agent-foreman/agent-foreman has no commit '$ref'" >&2
    exit 1
  fi
  cp -R "$ACT_STANDIN_SELF/$ref/." .
  echo "stand-in checkout: agent-foreman/agent-foreman@$ref in $dest"
  exit 0
fi
if [ -n "${INPUT_REPOSITORY:-}" ] && [ "$INPUT_REPOSITORY" != "$GITHUB_REPOSITORY" ]; then
  echo "stand-in checkout: no stand-in for repository '$INPUT_REPOSITORY'" >&2
  exit 1
fi
git init -q .
git remote add origin "$ACT_STANDIN_ORIGIN"
git fetch -q --no-tags origin '+refs/heads/*:refs/remotes/origin/*' '+refs/pull/*:refs/remotes/pull/*'
case "$ref" in
  refs/heads/*) target="origin/${ref#refs/heads/}" ;;
  refs/pull/*) target="pull/${ref#refs/pull/}" ;;
  *) if git rev-parse -q --verify "origin/$ref^{commit}" >/dev/null; then target="origin/$ref"; else target="$ref"; fi ;;
esac
git -c advice.detachedHead=false checkout -q --detach "$target"
if [ "$INPUT_PERSIST" != "false" ]; then
  git config --local http.extraheader "AUTHORIZATION: basic persisted-by-standin"
fi
echo "stand-in checkout: $ref -> $(git rev-parse HEAD) in $dest"
