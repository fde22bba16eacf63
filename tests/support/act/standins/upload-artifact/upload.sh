#!/usr/bin/env bash
# Body of the upload-artifact stand-in; see action.yml.
set -euo pipefail
: "${ACT_STANDIN_ARTIFACTS:?the upload-artifact stand-in needs ACT_STANDIN_ARTIFACTS}"
store="$ACT_STANDIN_ARTIFACTS/$INPUT_NAME"
src="$INPUT_PATH"
if [ ! -e "$src" ] || { [ -d "$src" ] && [ -z "$(ls -A "$src")" ]; }; then
  case "$INPUT_IF_NO_FILES_FOUND" in
    error) echo "::error::No files were found with the provided path: $src"; exit 1 ;;
    ignore) exit 0 ;;
    *) echo "::warning::No files were found with the provided path: $src"; exit 0 ;;
  esac
fi
if [ -e "$store" ] && [ "$INPUT_OVERWRITE" != "true" ]; then
  echo "::error::an artifact named $INPUT_NAME already exists"; exit 1
fi
rm -rf "$store"
mkdir -p "$store"
if [ -d "$src" ]; then cp -R "$src/." "$store/"; else cp "$src" "$store/"; fi
echo "artifact-id=$(date +%s%N)" >> "$GITHUB_OUTPUT"
echo "artifact-url=file://$store" >> "$GITHUB_OUTPUT"
echo "stand-in upload: $src -> $store"
