#!/usr/bin/env bash
# Runs scripts/pgbench-message.sql (one dialogue step's SQL) against Haven's PostgreSQL, to set
# the gateway's message rate against the bare database's. Seeds 'pgbench' conversations and
# cases, runs pgbench, removes every row it made. Loopback only.
#   scripts/pgbench-message.sh --port 5432 [--host 127.0.0.1] [--user postgres] [--db postgres]
#       [--seconds 30] [--clients 8] [--outbox 1] [--state-bytes N] [--body-bytes N]
# The bytea sizes default to the averages of the rows Haven wrote (after a load run), else 1600 and 480.
# The password comes from libpq's PGPASSWORD (or ~/.pgpass): for Haven's embedded PostgreSQL,
#   PGPASSWORD="$(cat "$HAVEN_DATA_DIR/secrets/postgres-password")" scripts/pgbench-message.sh --port …
set -euo pipefail
cd "$(dirname "$0")"
host=127.0.0.1 port="" user=postgres db=postgres seconds=30 clients=8 outbox=1 state_bytes="" body_bytes=""
while [ $# -gt 0 ]; do
  case "$1" in
    --host) host=$2; shift 2 ;;
    --port) port=$2; shift 2 ;;
    --user) user=$2; shift 2 ;;
    --db) db=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    --clients) clients=$2; shift 2 ;;
    --outbox) outbox=$2; shift 2 ;;
    --state-bytes) state_bytes=$2; shift 2 ;;
    --body-bytes) body_bytes=$2; shift 2 ;;
    *) echo "unknown option $1" >&2; exit 2 ;;
  esac
done
case "$host" in 127.0.0.1|localhost|::1) ;; *) echo "loopback only" >&2; exit 2 ;; esac
[ -n "$port" ] || { echo "--port is required" >&2; exit 2; }
command -v pgbench >/dev/null || { echo "pgbench missing: apt-get install postgresql-client" >&2; exit 2; }
conversations=1000
psql_() { psql -X -q -v ON_ERROR_STOP=1 -h "$host" -p "$port" -U "$user" -d "$db" "$@"; }
cleanup() {
  psql_ -c "DELETE FROM conversations WHERE channel = 'pgbench';
            DELETE FROM cases WHERE channel = 'pgbench';
            DELETE FROM inbound_seen WHERE substring(message_key from 1 for 4) = 'pgb:'::bytea;" || true
}
trap cleanup EXIT
cleanup
[ -n "$state_bytes" ] || state_bytes=$(psql_ -tA -c "SELECT coalesce(avg(length(state))::int, 1600) FROM conversations")
[ -n "$body_bytes" ] || body_bytes=$(psql_ -tA -c "SELECT coalesce(avg(length(body))::int, 480) FROM outbox")
echo "pgbench-message: state ${state_bytes} B, outbox body ${body_bytes} B, outbox insert ${outbox}, ${clients} clients, ${seconds} s"
psql_ <<SQL
INSERT INTO conversations (id, channel, contact_hash, state)
  SELECT gen_random_uuid(), 'pgbench', sha256(int4send(i)),
         (SELECT string_agg(sha256(int4send(g) || int4send(i)), ''::bytea) FROM generate_series(1, $((state_bytes / 32))) g)
  FROM generate_series(1, $conversations) i;
INSERT INTO cases (id, reference, conversation_id, channel, language, status, triage, priority, working_group)
  SELECT gen_random_uuid(), 'PGB-' || c.contact_hash::text, c.id, 'pgbench', 'en', 'queued', 'IN_MANDATE', 2, 'toronto'
  FROM conversations c WHERE c.channel = 'pgbench';
UPDATE conversations c SET case_id = k.id FROM cases k WHERE k.conversation_id = c.id AND c.channel = 'pgbench';
INSERT INTO case_entries (case_id, seq, kind, ciphertext) SELECT id, 1, 'answers', '\x00'::bytea FROM cases WHERE channel = 'pgbench';
ANALYZE conversations; ANALYZE cases; ANALYZE case_entries;
SQL
threads=$(( clients < 2 ? clients : 2 ))
pgbench -n -M prepared -h "$host" -p "$port" -U "$user" -c "$clients" -j "$threads" -T "$seconds" \
  -D conversations=$conversations -D outbox="$outbox" \
  -D state_blocks=$((state_bytes / 32)) -D body_blocks=$((body_bytes / 32)) \
  -f pgbench-message.sql "$db"
