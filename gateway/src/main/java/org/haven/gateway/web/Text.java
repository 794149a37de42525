package org.haven.gateway.web;

import java.util.HashMap;
import java.util.Map;

/** The inbox's words in English and French. A missing French text falls back to English. */
public final class Text {
    private static final Map<String, String[]> T = new HashMap<>();

    static {
        put("inbox", "Haven inbox", "Boîte de réception Haven");
        put("logout", "Log out and lock", "Se déconnecter et verrouiller");
        put("skip", "Skip to content", "Aller au contenu");
        put("queue.new", "New", "Nouveaux");
        put("queue.mine", "Mine", "Les miens");
        put("queue.waiting", "Waiting", "En attente");
        put("queue.closed", "Closed", "Fermés");
        put("queue.title", "Cases", "Dossiers");
        put("queue.empty", "No cases here.", "Aucun dossier ici.");
        put("queue.caption", "Cases, urgent first", "Dossiers, urgents d'abord");
        put("col.case", "Case", "Dossier");
        put("col.triage", "Triage", "Triage");
        put("col.group", "Working group", "Groupe de travail");
        put("col.channel", "Channel", "Canal");
        put("col.language", "Language", "Langue");
        put("col.status", "Status", "Statut");
        put("col.assigned", "Assigned to", "Assigné à");
        put("col.received", "Received", "Reçu");
        put("col.labels", "Labels", "Étiquettes");
        put("filter", "Filter", "Filtrer");
        put("filter.group", "Working group", "Groupe de travail");
        put("filter.any", "Any", "Tous");
        put("filter.channel", "Channel", "Canal");
        put("filter.label", "Label", "Étiquette");
        put("filter.from", "Received from", "Reçu depuis");
        put("filter.to", "Received until", "Reçu jusqu'au");
        put("filter.text", "Text in the case", "Texte dans le dossier");
        put(
                "live",
                "New activity. The list is up to date.",
                "Nouvelle activité. La liste est à jour.");
        put("triage.URGENT", "Urgent: danger now", "Urgent : danger immédiat");
        put("triage.LIKELY_IN_MANDATE", "Likely within the mandate", "Probablement dans le mandat");
        put(
                "triage.POSSIBLY_IN_MANDATE",
                "Possibly within the mandate: a person decides",
                "Peut-être dans le mandat : une personne décide");
        put("triage.OUTSIDE_MANDATE", "Outside the mandate: refer on", "Hors mandat : orienter");
        put(
                "triage.PERSON_ASKED",
                "Not triaged: asked for a person first",
                "Non trié : a d'abord demandé une personne");
        put("mark.asked_for_person", "Asked for a person", "A demandé une personne");
        put(
                "mark.duress",
                "Duress word used: the person may not be safe. Do not write unless they write first.",
                "Mot de détresse utilisé : la personne n'est peut-être pas en sécurité. N'écrivez pas avant qu'elle écrive.");
        put(
                "case.reply.duress_confirm",
                "I know the person may not be safe and someone else may read this; send it anyway.",
                "Je sais que la personne n'est peut-être pas en sécurité et que quelqu'un d'autre peut lire ceci ; envoyer quand même.");
        put(
                "case.reply.duress_held",
                "Not sent: the duress word was used on this case. Confirm that you still want to send it.",
                "Non envoyé : le mot de détresse a été utilisé pour ce dossier. Confirmez que vous voulez quand même l'envoyer.");
        put("group.any", "Any group (place not given yet)", "Tout groupe (lieu pas encore donné)");
        put("status.queued", "New", "Nouveau");
        put("agency.status.received", "Received", "Reçue");
        put(
                "agency.status.contacted",
                "A coordinator has taken it up",
                "Prise en charge par une coordination");
        put("agency.status.closed", "Closed", "Fermée");
        put("status.claimed", "Claimed", "Pris en charge");
        put("status.waiting", "Waiting for the person", "En attente de la personne");
        put("status.closed", "Closed", "Fermé");
        put(
                "status.reopened",
                "Reopened: the person wrote again",
                "Rouvert : la personne a écrit de nouveau");
        put("case", "Case", "Dossier");
        put("case.back", "All cases", "Tous les dossiers");
        put("case.answers", "Intake answers", "Réponses à l'accueil");
        put("case.referrals", "Suggested referrals", "Orientations suggérées");
        put("case.conversation", "Conversation", "Conversation");
        put("case.from_person", "The person wrote", "La personne a écrit");
        put("case.to_person", "Reply sent by", "Réponse envoyée par");
        put("case.note", "Private note by", "Note privée de");
        put("case.referral", "Referral recorded by", "Orientation notée par");
        put("case.attachment.photo", "Photo from the person", "Photo envoyée par la personne");
        put("case.attachment.file", "A file from the person", "Un fichier envoyé par la personne");
        put("case.attachment.download", "Download", "Télécharger");
        put(
                "case.window.open",
                "WhatsApp: your reply goes out as written until {date} (24 hours after the person's last message).",
                "WhatsApp : votre réponse part telle quelle jusqu'au {date} (24 heures après le dernier message de la personne).");
        put(
                "case.window.closed",
                "WhatsApp: more than 24 hours since the person's last message. Your reply is announced by the approved template and delivered when they answer it.",
                "WhatsApp : plus de 24 heures depuis le dernier message de la personne. Votre réponse est annoncée par le modèle approuvé et remise quand la personne y répond.");
        put(
                "referral.answers.none",
                "The answers of this referral are not shared with your agency.",
                "Les réponses de cette orientation ne sont pas partagées avec votre organisme.");
        put(
                "case.unreadable",
                "This entry cannot be opened with your key.",
                "Cette entrée ne peut pas être ouverte avec votre clé.");
        put(
                "case.rekeyed",
                "The team key was changed since you logged in: log out and in again to read this entry.",
                "La clé de l'équipe a changé depuis votre connexion : déconnectez-vous puis reconnectez-vous pour lire cette entrée.");
        put("case.claim", "Claim this case", "Prendre ce dossier");
        put("case.release", "Release", "Libérer");
        put("case.assign", "Assign to", "Assigner à");
        put("case.assign.save", "Assign", "Assigner");
        put("case.assigned", "Case assigned.", "Dossier assigné.");
        put(
                "case.claimed_by_other",
                "Another coordinator claimed this case first.",
                "Une autre personne a pris ce dossier en premier.");
        put("case.claimed", "You claimed this case.", "Vous avez pris ce dossier.");
        put("case.reply", "Reply to the person", "Répondre à la personne");
        put(
                "case.reply.help",
                "Sent through the channel they used. Keep it short and safe to read on a shared phone.",
                "Envoyé par le canal utilisé. Restez bref : le téléphone peut être partagé.");
        put("case.reply.send", "Send reply", "Envoyer la réponse");
        put(
                "delivery.waiting_whatsapp",
                "Held: more than 24 hours since the person's last WhatsApp message. The template told them a coordinator replied; this goes out when they answer. Kept until {date}.",
                "En attente : plus de 24 heures depuis le dernier message WhatsApp de la personne. Le modèle lui a dit qu'une réponse l'attend ; elle part quand la personne répond. Gardée jusqu'au {date}.");
        put(
                "delivery.waiting",
                "Waiting for the person to come back to the chat. Kept until {date}.",
                "En attente du retour de la personne sur la conversation. Gardée jusqu'au {date}.");
        put("delivery.sending", "Sending…", "Envoi en cours…");
        put(
                "delivery.shown",
                "Shown on the person's chat page.",
                "Affichée sur la page de conversation de la personne.");
        put("delivery.sent", "Sent.", "Envoyée.");
        put(
                "delivery.delivered",
                "Delivered to the person's phone.",
                "Remise au téléphone de la personne.");
        put(
                "delivery.expired",
                "Not delivered: the person did not come back before {date}.",
                "Non remise : la personne n'est pas revenue avant le {date}.");
        put(
                "delivery.failed",
                "Not delivered: the person opted out or cannot be reached.",
                "Non remise : la personne s'est désabonnée ou ne peut pas être jointe.");
        put("case.reply.sent", "Reply queued for delivery.", "Réponse mise en file d'envoi.");
        put(
                "case.reply.none",
                "This person cannot be reached here any more (they stopped or deleted the conversation).",
                "Cette personne ne peut plus être jointe ici (arrêt ou suppression de la conversation).");
        put("case.canned", "Canned reply", "Réponse type");
        put("case.note.add", "Add a private note", "Ajouter une note privée");
        put("case.note.save", "Save note", "Enregistrer la note");
        put("case.labels", "Labels", "Étiquettes");
        put(
                "case.labels.help",
                "Comma-separated, e.g. needs-interpreter, follow-up. Labels are not sealed: the server can read"
                        + " them, so never put a name or a detail of the case in one.",
                "Séparées par des virgules, p. ex. interprète, suivi."
                        + " Les étiquettes ne sont pas scellées : le serveur peut les lire, n'y mettez donc jamais un nom ni un détail du"
                        + " dossier.");
        put("case.labels.save", "Save labels", "Enregistrer les étiquettes");
        put("case.status", "Status", "Statut");
        put("case.status.save", "Change status", "Changer le statut");
        put(
                "case.refer",
                "Record a referral to a partner",
                "Noter une orientation vers un partenaire");
        put("case.refer.org", "Organisation", "Organisme");
        put("case.refer.save", "Record referral", "Noter l'orientation");
        put("case.export", "Export for a lawyer (OpenPGP)", "Exporter pour un avocat (OpenPGP)");
        put(
                "case.export.key",
                "Lawyer's OpenPGP public key (ASCII armored)",
                "Clé publique OpenPGP de l'avocat (ASCII)");
        put("case.export.passphrase", "Your passphrase, again", "Votre phrase de passe, à nouveau");
        put("case.export.go", "Encrypt, sign and download", "Chiffrer, signer et télécharger");
        put(
                "export.key.help",
                "Paste the lawyer's whole public key, from -----BEGIN PGP PUBLIC KEY BLOCK----- to the END line."
                        + " Never a private key.",
                "Collez toute la clé publique de l'avocat, de -----BEGIN PGP PUBLIC KEY BLOCK----- à la"
                        + " ligne END. Jamais une clé privée.");
        put("export.review", "Check the key", "Vérifier la clé");
        put("export.confirm.title", "Confirm the lawyer's key", "Confirmer la clé de l'avocat");
        put(
                "export.confirm.compare",
                "Before you go on, read this fingerprint to the lawyer, or have them read theirs to you,"
                        + " by phone or in person, not by email: anyone can make a key with the lawyer's name on it.",
                "Avant de continuer, comparez cette empreinte avec l'avocat, par téléphone ou en personne, pas par courriel :"
                        + " n'importe qui peut créer une clé au nom de l'avocat.");
        put("export.fingerprint", "Fingerprint", "Empreinte");
        put("export.user_ids", "User ids", "Identités");
        put("export.created", "Created", "Créée le");
        put("export.algorithm", "Algorithm", "Algorithme");
        put("export.encryption_key", "Encrypted to (subkey)", "Chiffré pour (sous-clé)");
        put(
                "export.signed_by",
                "The file is signed with Haven's export signing key",
                "Le fichier est signé avec la clé de" + " signature des exports de Haven");
        put("export.signer.download", "Download it for the lawyer", "La télécharger pour l'avocat");
        put("export.notes", "Include private notes", "Inclure les notes privées");
        put(
                "export.notes.help",
                "Private notes are the coordinators' own. Leave this unticked unless the lawyer needs them.",
                "Les notes privées sont celles de la coordination. Ne cochez que si l'avocat en a besoin.");
        put("export.cancel", "Cancel: back to the case", "Annuler : retour au dossier");
        put(
                "export.changed",
                "This is not the key you were shown. Compare the fingerprint again.",
                "Ce n'est pas la clé affichée. Comparez de nouveau l'empreinte.");
        put(
                "export.wrong_passphrase",
                "That passphrase is not right. Nothing was exported.",
                "Cette phrase de passe n'est pas la bonne. Rien n'a été exporté.");
        put(
                "export.no_team_key",
                "Your session does not hold the current team key (it changed since you logged in)."
                        + " Log out and in again.",
                "Votre session n'a pas la clé d'équipe actuelle (elle a changé depuis votre"
                        + " connexion). Déconnectez-vous puis reconnectez-vous.");
        put("export.file.exported", "Exported", "Exporté");
        put(
                "export.file.notes_included",
                "Private notes: included ({n})",
                "Notes privées : incluses ({n})");
        put(
                "export.file.notes_excluded",
                "Private notes: not included ({n} left out)",
                "Notes privées : non incluses ({n} omises)");
        put(
                "export.file.unreadable",
                "entry {n} could not be opened",
                "l'entrée {n} n'a pas pu être ouverte");
        put(
                "export.refused.not_a_key",
                "That is not an OpenPGP public key. Paste the whole block, from -----BEGIN PGP PUBLIC"
                        + " KEY BLOCK----- to the END line.",
                "Ce n'est pas une clé publique OpenPGP. Collez tout le bloc, de -----BEGIN"
                        + " PGP PUBLIC KEY BLOCK----- à la ligne END.");
        put(
                "export.refused.several_keys",
                "That is more than one key. Paste the lawyer's key only.",
                "Il y a plus d'une clé. Collez seulement celle de l'avocat.");
        put(
                "export.refused.secret_key",
                "That is a private (secret) key. Never paste a private key: ask the lawyer for their"
                        + " public key, and tell them their private key was shared.",
                "C'est une clé privée (secrète). Ne collez jamais"
                        + " de clé privée : demandez à l'avocat sa clé publique, et dites-lui que sa clé privée a circulé.");
        put(
                "export.refused.revoked",
                "This key was revoked on {date}: its owner withdrew it. Ask the lawyer for their current key.",
                "Cette clé a été révoquée le {date} : son titulaire l'a retirée. Demandez à l'avocat sa clé actuelle.");
        put(
                "export.refused.expired",
                "This key expired on {date}. Ask the lawyer for a current key, or to extend this one.",
                "Cette clé a expiré le {date}. Demandez à l'avocat une clé valide, ou de prolonger celle-ci.");
        put(
                "export.refused.encryption_key_revoked",
                "This key's encryption subkey was revoked on {date}, and it has no other."
                        + " Ask the lawyer for their current key.",
                "La sous-clé de chiffrement de cette clé a été révoquée le {date}, et"
                        + " elle n'en a pas d'autre. Demandez à l'avocat sa clé actuelle.");
        put(
                "export.refused.encryption_key_expired",
                "This key's encryption subkey expired on {date}, and it has no other."
                        + " Ask the lawyer to renew it.",
                "La sous-clé de chiffrement de cette clé a expiré le {date}, et elle n'en a pas"
                        + " d'autre. Demandez à l'avocat de la renouveler.");
        put(
                "export.refused.no_encryption_key",
                "This key can only sign, not encrypt. Ask the lawyer for a key with an"
                        + " encryption subkey.",
                "Cette clé ne peut que signer, pas chiffrer. Demandez à l'avocat une clé avec une"
                        + " sous-clé de chiffrement.");
        put(
                "export.refused.weak",
                "This key is too weak (under 2048 bits). Ask the lawyer for a current key (for example"
                        + " ed25519 with cv25519, or RSA 3072).",
                "Cette clé est trop faible (moins de 2048 bits). Demandez à l'avocat une"
                        + " clé actuelle (par exemple ed25519 avec cv25519, ou RSA 3072).");
        put(
                "export.refused.not_valid",
                "This key's own signatures do not check out. Ask the lawyer to send it again.",
                "Les signatures de cette clé ne se vérifient pas. Demandez à l'avocat de la renvoyer.");
        put("team.signing", "Export signing key", "Clé de signature des exports");
        put(
                "team.signing.help",
                "Every case export is signed with this key, derived from the team key. Give the public key"
                        + " to the lawyers you export to, so they can check an export came from here. It changes when the team key is"
                        + " rotated.",
                "Chaque export de dossier est signé avec cette clé, dérivée de la clé d'équipe. Donnez la clé"
                        + " publique aux avocats destinataires, pour qu'ils vérifient qu'un export vient d'ici. Elle change quand la clé"
                        + " d'équipe est renouvelée.");
        put("team.signing.download", "Download the public key", "Télécharger la clé publique");
        put("case.empty_text", "Write something first.", "Écrivez d'abord quelque chose.");
        put(
                "case.not_yours",
                "Claim the case before working on it.",
                "Prenez le dossier avant d'y travailler.");
        put("login", "Log in", "Connexion");
        put("login.username", "Username", "Nom d'utilisateur");
        put("login.passphrase", "Passphrase", "Phrase de passe");
        put(
                "login.code",
                "Code from your authenticator app (or a recovery code)",
                "Code de votre application d'authentification (ou code de secours)");
        put(
                "login.failed",
                "That username, passphrase and code do not match.",
                "Ce nom, cette phrase de passe et ce code ne correspondent pas.");
        put(
                "login.throttled",
                "Too many failed attempts. Wait a few minutes and try again.",
                "Trop d'essais manqués. Attendez quelques minutes.");
        put(
                "login.busy",
                "Haven is busy checking other logins. Try again in a few seconds.",
                "Haven vérifie d'autres connexions. Réessayez dans quelques secondes.");
        put("reauth.title", "Confirm it is you", "Confirmez que c'est vous");
        put(
                "reauth.intro",
                "This action needs your passphrase, entered in the last few minutes.",
                "Cette action demande votre phrase de passe, saisie il y a peu.");
        put("reauth.go", "Continue", "Continuer");
        put(
                "reauth.wrong",
                "That passphrase is not right.",
                "Cette phrase de passe n'est pas la bonne.");
        put(
                "login.ended",
                "Your session ended. Log in again.",
                "Votre session a pris fin. Reconnectez-vous.");
        put("passphrase.nav", "Passphrase", "Phrase de passe");
        put(
                "passphrase.choose",
                "Choose your own passphrase",
                "Choisissez votre propre phrase de passe");
        put(
                "passphrase.choose.intro",
                "An administrator set the passphrase you just used: it works only this once."
                        + " Choose your own now, one nobody else knows. It unlocks your key to the cases and cannot be recovered:"
                        + " keep it in a password manager.",
                "Un administrateur a choisi la phrase de passe que vous venez d'utiliser : elle ne sert qu'une fois."
                        + " Choisissez maintenant la vôtre, que personne d'autre ne connaît. Elle déverrouille votre clé des dossiers"
                        + " et ne peut pas être récupérée : gardez-la dans un gestionnaire de mots de passe.");
        put("passphrase.change", "Change your passphrase", "Changer votre phrase de passe");
        put(
                "passphrase.change.intro",
                "Your key is sealed again under the new passphrase; your cases do not change."
                        + " Your other sessions end.",
                "Votre clé est scellée à nouveau sous la nouvelle phrase de passe ; vos dossiers ne changent pas."
                        + " Vos autres sessions prennent fin.");
        put("passphrase.given", "The passphrase you were given", "La phrase de passe reçue");
        put("passphrase.current", "Your current passphrase", "Votre phrase de passe actuelle");
        put(
                "passphrase.new",
                "New passphrase (at least 12 characters)",
                "Nouvelle phrase de passe (au moins 12 caractères)");
        put(
                "passphrase.again",
                "The new passphrase again",
                "La nouvelle phrase de passe, à nouveau");
        put("passphrase.save", "Save my passphrase", "Enregistrer ma phrase de passe");
        put(
                "passphrase.short",
                "The new passphrase must be at least 12 characters.",
                "La nouvelle phrase de passe doit compter au moins 12 caractères.");
        put(
                "passphrase.differ",
                "The two new passphrases differ.",
                "Les deux nouvelles phrases de passe diffèrent.");
        put(
                "passphrase.wrong",
                "That is not your current passphrase. Nothing was changed.",
                "Ce n'est pas votre phrase de passe actuelle. Rien n'a été changé.");
        put(
                "passphrase.same",
                "Choose a passphrase other than the current one.",
                "Choisissez une phrase de passe différente de l'actuelle.");
        put(
                "passphrase.meanwhile",
                "Your passphrase was changed meanwhile (elsewhere). Log in again.",
                "Votre phrase de passe a été changée entre-temps (ailleurs). Reconnectez-vous.");
        put(
                "passphrase.changed",
                "Your passphrase is changed. Your other sessions were ended.",
                "Votre phrase de passe est changée. Vos autres sessions ont pris fin.");
        put("totp.title", "Set up your second factor", "Configurer votre second facteur");
        put(
                "totp.intro",
                "Scan this code with an authenticator app (for example Aegis, FreeOTP or Google Authenticator),"
                        + " or type the key by hand, then enter the 6-digit code it shows.",
                "Scannez ce code avec une application d'authentification, ou tapez la clé, puis entrez le code à 6 chiffres.");
        put("totp.key", "Key", "Clé");
        put("totp.confirm", "Confirm", "Confirmer");
        put(
                "totp.wrong",
                "That code is not right. Check the time on your phone and try again.",
                "Ce code n'est pas correct. Vérifiez l'heure du téléphone et réessayez.");
        put("totp.recovery", "Your recovery codes", "Vos codes de secours");
        put(
                "totp.recovery.intro",
                "Each code logs you in once if you lose your phone. Store them somewhere safe now:"
                        + " they will not be shown again.",
                "Chaque code permet une connexion si vous perdez votre téléphone. Conservez-les en lieu sûr :"
                        + " ils ne seront plus affichés.");
        put("totp.continue", "Go to the inbox", "Aller à la boîte de réception");
        put("refused", "Refused", "Refusé");
        put(
                "refused.csrf",
                "The form was stale. Go back, reload and try again.",
                "Le formulaire a expiré. Rechargez et réessayez.");
        put(
                "refused.role",
                "Your account may not see this.",
                "Votre compte ne peut pas voir ceci.");
        put("notfound", "No such case.", "Dossier introuvable.");
        put("lang.switch", "Français", "English");
        put("team", "Team", "Équipe");
        put("dash.title", "Dashboard", "Tableau de bord");
        put(
                "dash.privacy",
                "Counts only: nothing on this page identifies a person.",
                "Des totaux seulement : rien sur cette page n'identifie une personne.");
        put("dash.weekly", "Cases per week by channel", "Dossiers par semaine et par canal");
        put("dash.triage", "Triage outcomes", "Résultats du triage");
        put(
                "dash.replies",
                "Hours to the first human reply",
                "Heures avant la première réponse humaine");
        put("dash.open", "Open cases per working group", "Dossiers ouverts par groupe de travail");
        put("dash.week", "Week of", "Semaine du");
        put("dash.cases", "Cases", "Dossiers");
        put("dash.median", "Median (hours)", "Médiane (heures)");
        put("dash.p90", "90th percentile (hours)", "90e centile (heures)");
        put("audit", "Audit log", "Journal d'audit");
        put(
                "audit.keyed",
                "Keyed with the server's audit key from entry {entry}, written {when}.",
                "Scellé avec la clé d'audit du serveur depuis l'entrée {entry}, écrite le {when}.");
        put(
                "audit.unkeyed",
                "No entry is sealed with the audit key yet. Haven keys the log when it starts: if it has run"
                        + " since its upgrade, someone rewrote the log without the key.",
                "Aucune entrée n'est encore scellée avec la clé d'audit. Haven scelle le journal au démarrage : s'il a tourné"
                        + " depuis sa mise à jour, quelqu'un a réécrit le journal sans la clé.");
        put("referrals.mine", "Your agency's referrals", "Les orientations de votre organisme");
    }

    private static void put(String key, String en, String fr) {
        T.put(key, new String[] {en, fr});
    }

    private Text() {}

    /** The text for {@code key} in {@code language} ("en" or "fr"). */
    public static String t(String language, String key) {
        String[] v = T.get(key);
        if (v == null) {
            return key;
        }
        return "fr".equals(language) ? v[1] : v[0];
    }
}
