#!/usr/bin/env bash
# Body of the download-artifact stand-in; see action.yml.
set -euo pipefail
: "${ACT_STANDIN_ARTIFACTS:?the download-artifact stand-in needs ACT_STANDIN_ARTIFACTS}"
dest="${INPUT_PATH:-$GITHUB_WORKSPACE}"
mkdir -p "$dest" "$ACT_STANDIN_ARTIFACTS"
if [ -n "$INPUT_NAME" ]; then
  [ -d "$ACT_STANDIN_ARTIFACTS/$INPUT_NAME" ] || { echo "::error::Artifact not found: $INPUT_NAME"; exit 1; }
  cp -R "$ACT_STANDIN_ARTIFACTS/$INPUT_NAME/." "$dest/"
else
  shopt -s nullglob
  all=("$ACT_STANDIN_ARTIFACTS"/*/)
  if [ "${#all[@]}" -eq 0 ]; then  # as v4 does on a run without any artifact
    echo "::error::Unable to download artifact(s): No artifacts found for run"; exit 1
  fi
  count=0
  for dir in "$ACT_STANDIN_ARTIFACTS"/*/; do
    name="$(basename "$dir")"
    # shellcheck disable=SC2053  # the pattern is a glob on purpose
    [[ -z "$INPUT_PATTERN" || "$name" == $INPUT_PATTERN ]] || continue
    if [ "$INPUT_MERGE" = "true" ]; then cp -R "$dir." "$dest/"; else mkdir -p "$dest/$name"; cp -R "$dir." "$dest/$name/"; fi
    count=$((count + 1))
  done
  echo "stand-in download: $count artifact(s) into $dest"
fi
echo "download-path=$dest" >> "$GITHUB_OUTPUT"
