#!/bin/sh
# A command hook as small as one can be: sh and curl posting stdin to the hook endpoint. Measured
# by bench/compare-ok2run.ts as the floor of the options for the command hook; not shipped (a
# failure here prints curl's error, not the host's own deny, and nothing bounds the payload's depth).
exec curl -sS --max-time 58 -H "Authorization: Bearer $GREENLIGHT_KEY" -H 'Content-Type: application/json' --data-binary @- "$GREENLIGHT_URL/v1/hooks/$1?wait_sec=50"
