package org.haven.gateway.keys;

import io.vertx.core.Future;
import org.haven.crypto.RecipientKeyPair;
import org.haven.crypto.RecipientPrivateKey;
import org.haven.crypto.RecipientPublicKey;
import org.haven.crypto.SignatureKey;
import org.haven.crypto.Signer;
import org.haven.gateway.store.Db;
import org.haven.gateway.store.KeyRecordStore;
import org.haven.gateway.store.KeyRecordStore.TeamKeyRow;

/**
 * Signs key records where they are made, in the transaction that stores them (docs/crypto.md, "Key
 * records"): an account's by the administrator who creates it (the first administrator's by the
 * first team key), an agency key's by the administrator who creates or rotates it, a team key's by
 * the key before it and the rotating administrator.
 */
public final class KeySigning {
    private KeySigning() {}

    /** The Ed25519 public key that belongs to a recipient private key. */
    static SignatureKey signingKeyOf(RecipientPrivateKey key) {
        Signer s = Signer.derive(key);
        try {
            return s.signatureKey();
        } finally {
            s.destroy();
        }
    }

    /**
     * Signs a new account's key record as {@code admin} and stores it with the account's keys:
     * {@code personal} is the account's personal private key (its Ed25519 key is derived from it).
     */
    public static Future<Void> newAccount(
            Db tx,
            long id,
            String username,
            String role,
            Long agencyId,
            RecipientPrivateKey personal,
            AccountSigner admin) {
        byte[] pub = personal.publicKey().toBytes();
        byte[] signing = signingKeyOf(personal).toBytes();
        byte[] record =
                KeyRecords.account(id, username, role, agencyId, pub, signing, admin.name());
        return KeyRecordStore.signAccount(tx, id, pub, signing, admin.name(), admin.sign(record));
    }

    /**
     * Signs the first administrator's record with the first team key (setup), giving that key its
     * signing key first if it has none (an installation upgraded before its setup was done).
     */
    public static Future<Void> firstAdministrator(
            Db tx,
            long id,
            String username,
            RecipientPrivateKey personal,
            RecipientPrivateKey team) {
        String teamKeyId = team.publicKey().keyId();
        Signer teamSigner = Signer.derive(team);
        try {
            byte[] pub = personal.publicKey().toBytes();
            byte[] signing = signingKeyOf(personal).toBytes();
            String signer = KeyRecords.teamSigner(teamKeyId);
            byte[] signature =
                    teamSigner.sign(
                            KeyRecords.account(id, username, "admin", null, pub, signing, signer));
            return KeyRecordStore.giveTeamSigningKey(
                            tx, teamKeyId, teamSigner.signatureKey().toBytes())
                    .compose(
                            v ->
                                    KeyRecordStore.signAccount(
                                            tx, id, pub, signing, signer, signature));
        } finally {
            teamSigner.destroy();
        }
    }

    /**
     * Signs an administrator's record with a team key of the chain: for an administrator whose
     * record was signed before their signing key was known (an upgraded installation), at their
     * login, when their session opened the personal key ({@code self}) and the team key.
     */
    static Future<Void> administratorByTeamKey(
            Db tx, KeyRecordStore.AccountKeyRow row, AccountSigner self, RecipientPrivateKey team) {
        Signer teamSigner = Signer.derive(team);
        try {
            byte[] pub = self.personalKey().toBytes();
            byte[] signing = self.signatureKey().toBytes();
            String signer = KeyRecords.teamSigner(team.publicKey().keyId());
            byte[] signature =
                    teamSigner.sign(
                            KeyRecords.account(
                                    row.id(),
                                    row.username(),
                                    "admin",
                                    row.agencyId(),
                                    pub,
                                    signing,
                                    signer));
            return KeyRecordStore.signAccount(tx, row.id(), pub, signing, signer, signature);
        } finally {
            teamSigner.destroy();
        }
    }

    /**
     * Signs an existing account record as {@code admin}, keeping its keys (the upgrade of records
     * from before signatures).
     */
    static Future<Void> existingAccount(
            Db tx, KeyRecordStore.AccountKeyRow row, AccountSigner admin) {
        byte[] record =
                KeyRecords.account(
                        row.id(),
                        row.username(),
                        row.role(),
                        row.agencyId(),
                        row.publicKey(),
                        row.signingKey(),
                        admin.name());
        return KeyRecordStore.signAccount(
                tx, row.id(), row.publicKey(), row.signingKey(), admin.name(), admin.sign(record));
    }

    /**
     * Signs agency {@code agencyId}'s key record as {@code admin} (its key was just stored, or is
     * being upgraded).
     */
    public static Future<Void> agency(
            Db tx,
            long agencyId,
            String referralCode,
            RecipientPublicKey key,
            AccountSigner admin) {
        byte[] record =
                KeyRecords.agency(agencyId, referralCode, key.keyId(), key.toBytes(), admin.name());
        return KeyRecordStore.signAgency(tx, agencyId, admin.name(), admin.sign(record));
    }

    /**
     * The record of team key {@code next}, succeeding {@code previous}, signed by it and by {@code
     * admin}.
     */
    static TeamKeyRow nextTeamKey(
            RecipientKeyPair next, RecipientPrivateKey previous, AccountSigner admin) {
        RecipientPublicKey pub = next.publicKey();
        byte[] signing = signingKeyOf(next.privateKey()).toBytes();
        byte[] record =
                KeyRecords.team(
                        pub.keyId(),
                        pub.toBytes(),
                        signing,
                        previous.publicKey().keyId(),
                        admin.name());
        Signer previousSigner = Signer.derive(previous);
        try {
            return new TeamKeyRow(
                    pub.keyId(),
                    pub.toBytes(),
                    signing,
                    previous.publicKey().keyId(),
                    admin.accountId(),
                    previousSigner.sign(record),
                    admin.sign(record),
                    false);
        } finally {
            previousSigner.destroy();
        }
    }
}
