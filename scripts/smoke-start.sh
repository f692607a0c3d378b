#!/usr/bin/env bash
# What `npm start` runs, compiled: `npm run build`, then dist/server/main.js on a throw-away data folder and
# a free loopback port, until /healthz answers; then SIGTERM, which must end it with code 0.
# (npm test starts the receiver from its sources; this is the check that the build runs too.)
set -euo pipefail
cd "$(dirname "$0")/.."
npm run build --silent
dir=$(mktemp -d /tmp/zk-smoke.XXXXXX)
trap 'rm -rf "$dir"' EXIT
port=$(node -e 'const s=require("net").createServer();s.listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
env -i PATH="$PATH" HOME="$HOME" PORT="$port" HOST=127.0.0.1 DATA_DIR="$dir/data" DEVICE_TIMEZONE=UTC LOG_LEVEL=warn \
  DOTENV_CONFIG_PATH="$dir/no.env" node dist/server/main.js > "$dir/out.log" 2>&1 &
pid=$!
for _ in $(seq 1 120); do
  if node -e 'fetch(process.argv[1]).then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))' "http://127.0.0.1:$port/healthz"; then
    kill -TERM "$pid"
    if wait "$pid"; then echo "smoke-start: dist/server/main.js answered /healthz and stopped cleanly"; exit 0; fi
    echo "smoke-start: the receiver did not stop cleanly on SIGTERM:" >&2; cat "$dir/out.log" >&2; exit 1
  fi
  if ! kill -0 "$pid" 2> /dev/null; then echo "smoke-start: the receiver exited before answering:" >&2; cat "$dir/out.log" >&2; exit 1; fi
  sleep 0.5
done
kill -KILL "$pid" 2> /dev/null || true
echo "smoke-start: no answer from /healthz within 60 s:" >&2; cat "$dir/out.log" >&2
exit 1
