#!/usr/bin/env bash
# Body of the cache stand-ins (save/ and restore/); see their action.yml.
set -euo pipefail
: "${ACT_STANDIN_CACHE:?the cache stand-in needs ACT_STANDIN_CACHE}"
scope_of() { printf '%s' "$1" | tr '/' '+'; }
ref="${GITHUB_REF:?GITHUB_REF not set}"
case "$1" in
  save)
    store="$ACT_STANDIN_CACHE/$(scope_of "$ref")/$INPUT_KEY"
    if [ -e "$store" ]; then
      echo "::warning::Unable to reserve cache with key $INPUT_KEY, another job may be creating this cache."
      exit 0
    fi
    if [ ! -e "$INPUT_PATH" ]; then
      echo "::warning::Path Validation Error: Path(s) specified in the action for caching do(es) not exist, hence no cache is being saved."
      exit 0
    fi
    mkdir -p "$store/data"
    if [ -d "$INPUT_PATH" ]; then cp -R "$INPUT_PATH/." "$store/data/"; else cp "$INPUT_PATH" "$store/data/"; fi
    date +%s%N > "$store/created"
    echo "stand-in cache save: $INPUT_PATH -> $store"
    ;;
  restore)
    echo "cache-primary-key=$INPUT_KEY" >> "$GITHUB_OUTPUT"
    scopes=("$(scope_of "$ref")")
    default="refs/heads/${INPUT_DEFAULT_BRANCH:-main}"
    [ "$ref" != "$default" ] && scopes+=("$(scope_of "$default")")
    found="" hit=false
    for scope in "${scopes[@]}"; do
      dir="$ACT_STANDIN_CACHE/$scope"
      [ -d "$dir" ] || continue
      if [ -d "$dir/$INPUT_KEY" ]; then found="$dir/$INPUT_KEY" hit=true; break; fi
      while IFS= read -r prefix; do
        [ -n "$prefix" ] || continue
        best="" best_time=0
        for entry in "$dir"/*/; do
          entry="${entry%/}"
          name="$(basename "$entry")"
          [ -f "$entry/created" ] || continue
          case "$name" in "$prefix"*) ;; *) continue ;; esac
          t="$(cat "$entry/created")"
          if [ "$t" -gt "$best_time" ]; then best="$entry" best_time="$t"; fi
        done
        if [ -n "$best" ]; then found="$best"; break; fi
      done <<< "$INPUT_RESTORE_KEYS"
      [ -n "$found" ] && break
    done
    if [ -z "$found" ]; then
      echo "cache-hit=false" >> "$GITHUB_OUTPUT"
      echo "Cache not found for input keys: $INPUT_KEY"
      exit 0
    fi
    mkdir -p "$INPUT_PATH"
    cp -R "$found/data/." "$INPUT_PATH/"
    echo "cache-hit=$hit" >> "$GITHUB_OUTPUT"
    echo "cache-matched-key=$(basename "$found")" >> "$GITHUB_OUTPUT"
    echo "stand-in cache restore: $found -> $INPUT_PATH"
    ;;
esac
