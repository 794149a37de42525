#!/bin/sh
# Makes the OpenPGP test keys in this directory with GnuPG (2.2 or later), in a throwaway
# GNUPGHOME, and writes what gpg itself says about each key to fixtures.txt, which the tests
# compare Haven's reading with. Run it from anywhere: sh make-fixtures.sh
# The keys are random each run; the tests read fixtures.txt rather than hard-coding fingerprints.
# None of these keys protects anything: lawyer-secret.asc is committed so tests can decrypt.
# The gateway's tests use copies, in gateway/src/test/resources/openpgp (copied at the end).
set -eu
out=$(cd "$(dirname "$0")" && pwd)
gateway="$out/../../../../../gateway/src/test/resources/openpgp"
GNUPGHOME=$(mktemp -d)
export GNUPGHOME
trap 'gpgconf --kill gpg-agent >/dev/null 2>&1 || true; rm -rf "$GNUPGHOME"' EXIT
past='--faked-system-time 20200101T000000!'   # keys made "in 2020", so that a one-year expiry is over now
gpg_() { gpg --batch --yes --pinentry-mode loopback --passphrase '' "$@" 2>/dev/null; }
fpr() { gpg --with-colons --list-keys "$1" 2>/dev/null | awk -F: '/^fpr/ { print $10; exit }'; }
subfpr() { gpg --with-colons --list-keys "$1" 2>/dev/null | awk -F: '/^sub/ { s = 1; next } s && /^fpr/ { print $10; exit }'; }
export_() { gpg --armor --export "$1" > "$out/$2"; }

# the lawyer: ed25519 primary for signing and certifying, cv25519 subkey for encryption, no expiry
gpg_ --quick-gen-key 'Haven Fixture Lawyer <lawyer@example.org>' ed25519 sign,cert never
gpg_ --quick-add-key "$(fpr lawyer@example.org)" cv25519 encr never
export_ lawyer@example.org lawyer-public.asc
gpg_ --armor --export-secret-keys lawyer@example.org > "$out/lawyer-secret.asc"

# sign-only: no key that can encrypt
gpg_ --quick-gen-key 'Sign Only <signonly@example.org>' ed25519 sign,cert never
export_ signonly@example.org sign-only-public.asc

# expired primary: the primary expired at the end of 2020, its encryption subkey has no expiry of its own
gpg_ $past --quick-gen-key 'Expired Primary <expired@example.org>' ed25519 sign,cert 1y
gpg_ $past --quick-add-key "$(fpr expired@example.org)" cv25519 encr never
export_ expired@example.org expired-primary-public.asc

# expired encryption subkey: the primary never expires, its only encryption subkey expired in 2020
gpg_ $past --quick-gen-key 'Expired Subkey <expiredsub@example.org>' ed25519 sign,cert never
gpg_ $past --quick-add-key "$(fpr expiredsub@example.org)" cv25519 encr 1y
export_ expiredsub@example.org expired-subkey-public.asc

# revoked: the whole key revoked with the revocation certificate gpg made with it
gpg_ --quick-gen-key 'Revoked Key <revoked@example.org>' ed25519 sign,cert never
gpg_ --quick-add-key "$(fpr revoked@example.org)" cv25519 encr never
sed 's/^:-----BEGIN/-----BEGIN/' "$GNUPGHOME/openpgp-revocs.d/$(fpr revoked@example.org).rev" | gpg_ --import
export_ revoked@example.org revoked-public.asc

# revoked subkey: its only encryption subkey revoked (reason 0, no description)
gpg_ --quick-gen-key 'Revoked Subkey <revokedsub@example.org>' ed25519 sign,cert never
gpg_ --quick-add-key "$(fpr revokedsub@example.org)" cv25519 encr never
printf 'key 1\nrevkey\ny\n0\n\ny\nsave\n' | gpg --batch --yes --pinentry-mode loopback --passphrase '' \
    --command-fd 0 --edit-key "$(fpr revokedsub@example.org)" 2>/dev/null
export_ revokedsub@example.org revoked-subkey-public.asc

# weak: RSA 1024 for signing and for encryption
gpg_ --quick-gen-key 'Weak Key <weak@example.org>' rsa1024 sign,cert never
gpg_ --quick-add-key "$(fpr weak@example.org)" rsa1024 encr never
export_ weak@example.org weak-public.asc

# two keys in one armored block
gpg --armor --export lawyer@example.org signonly@example.org > "$out/two-keys-public.asc"

{
    echo "# written by make-fixtures.sh from gpg --with-colons: name primary-fingerprint encryption-subkey-fingerprint"
    for who in lawyer signonly expired expiredsub revoked revokedsub weak; do
        echo "$who $(fpr $who@example.org) $(subfpr $who@example.org || true)"
    done
    echo "# gpg $(gpg --version | head -1 | awk '{ print $3 }')"
} > "$out/fixtures.txt"
mkdir -p "$gateway"
cp "$out"/*.asc "$out/fixtures.txt" "$gateway/"
gpg --list-options show-unusable-subkeys --list-keys --with-subkey-fingerprints 2>/dev/null
