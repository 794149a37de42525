package org.haven.gateway.web;

import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

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
        // the rules of a new account or agency (the command line says them in English)
        put(
                "rules.username",
                "Choose a username of letters, digits, dots, dashes or underscores.",
                "Choisissez un nom d'utilisateur fait de lettres, de chiffres, de points, de tirets ou de traits de soulignement.");
        put(
                "rules.passphrase_short",
                "The passphrase must be at least {n} characters.",
                "La phrase de passe doit compter au moins {n} caractères.");
        put(
                "rules.passphrase_differs",
                "The two passphrases differ.",
                "Les deux phrases de passe diffèrent.");
        put("rules.role", "Choose a role.", "Choisissez un rôle.");
        put(
                "rules.groups",
                "A coordinator needs at least one working group.",
                "Une personne de la coordination doit faire partie d'au moins un groupe de travail.");
        put(
                "rules.agency",
                "An agency worker needs an agency.",
                "Une personne d'un organisme doit avoir un organisme.");
        put(
                "rules.agency_name",
                "Give the agency a name (at most {n} characters).",
                "Donnez un nom à l'organisme (au plus {n} caractères).");
        put(
                "rules.username_taken",
                "That username is taken.",
                "Ce nom d'utilisateur est déjà pris.");
        put("rules.agency_taken", "That agency exists already.", "Cet organisme existe déjà.");
        put(
                "tm.msg.unverified_admin",
                "Your own key record does not verify, so Haven cannot accept what you sign: see the audit log for key_rejected, and ask another administrator.",
                "Votre propre fiche de clé ne se vérifie pas : Haven ne peut donc pas accepter ce que vous signez. Consultez key_rejected dans le journal d'audit et demandez à une autre personne de l'administration.");
        // what the Team page says after an action
        put(
                "tm.msg.account_created",
                "Account {username} created. At first login they choose their own passphrase and set up their second factor.",
                "Compte {username} créé. À la première connexion, la personne choisit sa propre phrase de passe et configure son second facteur.");
        put("tm.msg.sessions_ended", "{n} session(s) ended.", "{n} session(s) terminée(s).");
        put(
                "tm.msg.rotated",
                "Team key rotated. Everyone else must log in again.",
                "Clé d'équipe renouvelée. Toutes les autres personnes doivent se reconnecter.");
        put(
                "tm.msg.no_team_key",
                "Your session does not hold the current team key: log out and in again.",
                "Votre session ne détient pas la clé d'équipe actuelle : déconnectez-vous puis reconnectez-vous.");
        put("tm.msg.no_agency", "No such agency.", "Cet organisme n'existe pas.");
        put(
                "tm.msg.group_key_rejected",
                "A working group's key failed verification, so it is not used: nothing was granted or rotated. See key_rejected in the log.",
                "La clé d'un groupe de travail n'a pas passé la vérification; elle n'est donc pas utilisée : rien n'a été accordé ni renouvelé. Voir key_rejected dans le journal.");
        put(
                "tm.msg.agency_key_rejected",
                "That agency's key failed verification, so it is not used: nothing was granted. See key_rejected in the audit log.",
                "La clé de cet organisme n'a pas passé la vérification; elle n'est donc pas utilisée : rien n'a été accordé. Voir key_rejected dans le journal d'audit.");
        put(
                "tm.msg.retention_range",
                "The retention period is a whole number of days from 1 to 36500.",
                "La durée de conservation est un nombre entier de jours, de 1 à 36500.");
        put(
                "tm.msg.not_yourself",
                "You cannot remove your own account.",
                "Vous ne pouvez pas retirer votre propre compte.");
        put("tm.msg.no_account", "No such account.", "Ce compte n'existe pas.");
        put(
                "tm.msg.last_admin",
                "That is the last administrator.",
                "C'est la dernière personne de l'administration.");
        put(
                "tm.msg.removed_rotated",
                "Account removed and team key rotated: it can open nothing sealed from now on.",
                "Compte retiré et clé d'équipe renouvelée : il ne peut plus rien ouvrir de scellé désormais.");
        put(
                "tm.msg.removed_groups_not_rotated",
                "Account removed, but your session does not hold the current team key, so its working groups' keys were not rotated: log out and in again, then remove it again or rotate the team key.",
                "Compte retiré, mais votre session ne détient pas la clé d'équipe actuelle : les clés de ses groupes de travail n'ont donc pas été renouvelées. Déconnectez-vous puis reconnectez-vous, puis retirez-le de nouveau ou renouvelez la clé d'équipe.");
        put(
                "tm.msg.removed_agency_not_rotated",
                "Account removed, but your session does not hold the current team key, so its agency's key was not rotated: log out and in again, then rotate the team key.",
                "Compte retiré, mais votre session ne détient pas la clé d'équipe actuelle : la clé de son organisme n'a donc pas été renouvelée. Déconnectez-vous puis reconnectez-vous, puis renouvelez la clé d'équipe.");
        put(
                "tm.msg.removed_agency_rotated",
                "Account removed and its agency's key rotated: it can open nothing sealed from now on.",
                "Compte retiré et clé de son organisme renouvelée : il ne peut plus rien ouvrir de scellé désormais.");
        put(
                "tm.msg.retention_set",
                "Closed cases are now kept {days} days.",
                "Les dossiers fermés sont désormais conservés {days} jours.");
        put(
                "tm.msg.removed_groups_rotated",
                "Account removed and the keys of its working groups rotated ({groups}): it can open nothing sealed from now on.",
                "Compte retiré et clés de ses groupes de travail renouvelées ({groups}) : il ne peut plus rien ouvrir de scellé désormais.");
        put(
                "tm.msg.agency_added",
                "Agency added with referral code {code}.",
                "Organisme ajouté avec le code de référence {code}.");
        put("tm.msg.agency_keyed", "The agency has its key {key}.", "L'organisme a sa clé {key}.");
        // the Team page (issue 19, scope 8)
        put("tm.pin.setting", "set by HAVEN_TEAM_KEY_PIN", "fixée par HAVEN_TEAM_KEY_PIN");
        put("tm.pin.file", "kept in ", "gardée dans ");
        put(
                "tm.pin.first_use",
                "<strong>not pinned</strong>: this gateway trusted the first team key it found",
                "<strong>non ancrée</strong> : cette passerelle a fait confiance à la première clé d'équipe trouvée");
        put(
                "tm.intake_link",
                "Intake script and referral directory",
                "Script d'accueil et répertoire d'orientation");
        put("tm.accounts", "Accounts", "Comptes");
        put("tm.role", "Role", "Rôle");
        put("tm.groups", "Working groups", "Groupes de travail");
        put("tm.passphrase", "Passphrase", "Phrase de passe");
        put("tm.second_factor", "Second factor", "Deuxième facteur");
        put("tm.actions", "Actions", "Actions");
        put("tm.agency", "Agency", "Organisme");
        put("tm.referral_code", "Referral code", "Code de référence");
        put("tm.agency_key", "Agency key", "Clé de l'organisme");
        put(
                "tm.key_rejected",
                "key rejected: it gets no key",
                "clé rejetée : ce compte ne reçoit aucune clé");
        put("tm.all", "all", "tous");
        put("tm.pass.one_time", "one-time (not chosen yet)", "à usage unique (pas encore choisie)");
        put("tm.pass.own", "their own", "la sienne");
        put("tm.totp.yes", "enrolled", "configuré");
        put("tm.totp.no", "not yet", "pas encore");
        put("tm.role.admin", "admin", "administration");
        put("tm.role.coordinator", "coordinator", "coordination");
        put("tm.role.agency", "agency", "organisme");
        put("tm.end_sessions_of", "End sessions of ", "Fermer les sessions de ");
        put("tm.end_sessions", "End sessions", "Fermer les sessions");
        put("tm.remove_of", "Remove ", "Retirer ");
        put("tm.remove", "Remove", "Retirer");
        put("tm.team_key", "Team key", "Clé d'équipe");
        put("tm.current_key", "Current key ", "Clé actuelle ");
        put(
                "tm.pin",
                "</code>. Fingerprint of the first team key (the pin every key record is verified from): ",
                "</code>. Empreinte de la première clé d'équipe (l'ancrage d'où chaque enregistrement de clé est vérifié) : ");
        put(
                "tm.pin.keep",
                ". Keep it with the server keys; on a cluster set <code>HAVEN_TEAM_KEY_PIN</code> to it on every gateway.",
                ". Gardez-la avec les clés du serveur; en grappe, donnez-la à <code>HAVEN_TEAM_KEY_PIN</code> sur chaque passerelle.");
        put(
                "tm.rotate.help",
                "Rotating re-wraps every case's keys to a new team key (nothing is re-encrypted) and logs everyone else out. The team key is the administrators' key: removing an administrator rotates it by itself. Coordinators hold only the keys of their working groups and of the intake group: removing one rotates those groups' keys; a coordinator from before group keys still holds the team key until the next rotation, which moves them to their groups' keys. Removing an agency worker rotates that agency's key instead (agency and group keys are re-sealed, not replaced, when the team key rotates).",
                "Renouveler scelle à nouveau les clés de chaque dossier pour une nouvelle clé d'équipe (rien n'est rechiffré) et déconnecte toutes les autres personnes. La clé d'équipe est celle de l'administration : retirer une personne de l'administration la renouvelle d'elle-même. Les personnes de la coordination ne détiennent que les clés de leurs groupes de travail et du groupe d'accueil : en retirer une renouvelle les clés de ces groupes; une personne de la coordination d'avant les clés de groupe détient encore la clé d'équipe jusqu'au prochain renouvellement, qui la fait passer aux clés de ses groupes. Retirer une personne d'un organisme renouvelle plutôt la clé de cet organisme (les clés d'organisme et de groupe sont scellées à nouveau, pas remplacées, quand la clé d'équipe change).");
        put("tm.rotate", "Rotate the team key", "Renouveler la clé d'équipe");
        put("tm.retention", "Retention", "Conservation");
        put(
                "tm.retention.days",
                "Days a closed case is kept before it is deleted",
                "Jours de conservation d'un dossier fermé avant sa suppression");
        put("tm.retention.now", "Now ", "Actuellement ");
        put("tm.retention.unit", " days (", " jours (");
        put(
                "tm.retention.help",
                "). Purged daily and at start-up; a person's DELETE removes what they sent at once.",
                "). Purgé chaque jour et au démarrage; le SUPPRIMER d'une personne efface aussitôt ce qu'elle a envoyé.");
        put("tm.retention.save", "Save retention period", "Enregistrer la durée de conservation");
        put("tm.add", "Add an account", "Ajouter un compte");
        put("tm.new.coordinator", "Coordinator", "Coordination");
        put("tm.new.agency", "Agency worker", "Personne d'un organisme");
        put("tm.new.admin", "Administrator", "Administration");
        put("tm.new.groups", "Working groups (coordinators)", "Groupes de travail (coordination)");
        put("tm.new.agency_of", "Agency (agency workers)", "Organisme (personnel d'organisme)");
        put(
                "tm.new.pass",
                "One-time passphrase (at least ",
                "Phrase de passe à usage unique (au moins ");
        put(
                "tm.new.pass.help",
                " characters; give it to the person in a safe way: at first login they must choose their own)",
                " caractères; transmettez-la de façon sûre : à la première connexion, la personne doit choisir la sienne)");
        put("tm.new.again", "Again", "Encore une fois");
        put("tm.new.create", "Create account", "Créer le compte");
        put("tm.agencies", "Agencies and referral codes", "Organismes et codes de référence");
        put("tm.keyless.one", " agency has", " organisme n'a");
        put("tm.keyless.many", " agencies have", " organismes n'ont");
        put(
                "tm.keyless.rest",
                " no key yet: referrals from it are sealed to the team key only and its workers cannot read them. It gets one when you add a worker to it, or with its button below.",
                " pas encore de clé : ses orientations sont scellées à la clé d'équipe seulement et son personnel ne peut pas les lire. Il en reçoit une quand vous y ajoutez une personne, ou avec son bouton ci-dessous.");
        put(
                "tm.agency_key_rejected",
                "key rejected: referrals are sealed to the team key only",
                "clé rejetée : les orientations sont scellées à la clé d'équipe seulement");
        put("tm.none_yet", "none yet ", "aucune pour l'instant ");
        put("tm.create_key_of", "Create the key of ", "Créer la clé de ");
        put("tm.create_key", "Create its key", "Créer sa clé");
        put("tm.new_agency", "New agency", "Nouvel organisme");
        put(
                "tm.add_agency",
                "Add agency and issue a referral code",
                "Ajouter l'organisme et émettre un code de référence");
        put("settings", "Settings", "Paramètres");
        put("settings.language", "Language of the inbox", "Langue de la boîte de réception");
        put("settings.language.choose", "Show the inbox in", "Afficher la boîte de réception en");
        put("settings.save", "Save", "Enregistrer");
        put(
                "settings.passphrase.help",
                "Change the passphrase you log in with, including the first one an administrator gave you."
                        + " Your other sessions end when you do.",
                "Changez la phrase de passe de connexion, y compris la première qu'un administrateur vous a"
                        + " donnée. Vos autres sessions prennent fin.");
        put(
                "settings.keys.help",
                "Press ? on any inbox page to see them: j and k move through the list of cases, c claims,"
                        + " r goes to the reply box, Ctrl+Enter sends.",
                "Appuyez sur ? sur une page de la boîte pour les voir : j et k parcourent la liste des dossiers,"
                        + " c prend le dossier, r va à la zone de réponse, Ctrl+Entrée envoie.");
        put("keys.title", "Keyboard shortcuts", "Raccourcis clavier");
        put("keys.j", "Next case in the list", "Dossier suivant de la liste");
        put("keys.k", "Previous case in the list", "Dossier précédent de la liste");
        put("keys.enter", "Open the chosen case", "Ouvrir le dossier choisi");
        put(
                "keys.c",
                "Claim the open case, or the new case chosen in the list",
                "Prendre le dossier ouvert, ou le nouveau dossier choisi dans la liste");
        put("keys.r", "Write a reply to the person", "Écrire une réponse à la personne");
        put(
                "keys.send",
                "Send the reply (in the reply box)",
                "Envoyer la réponse (dans la zone de réponse)");
        put("keys.help", "Show this list", "Afficher cette liste");
        put("keys.close", "Close", "Fermer");
        put("queue.awaiting", "The person wrote: reply", "La personne a écrit : répondre");
        put(
                "queue.notify",
                "Notify me of new urgent cases",
                "M'avertir des nouveaux dossiers urgents");
        put(
                "queue.notify.on",
                "You will be notified of new urgent cases while this page is open.",
                "Vous serez averti des nouveaux dossiers urgents tant que cette page est ouverte.");
        put(
                "queue.notify.text",
                "New urgent case in your groups",
                "Nouveau dossier urgent dans vos groupes");
        put("totp.recovery.copy", "Copy the codes", "Copier les codes");
        put("totp.recovery.copied", "Codes copied.", "Codes copiés.");
        put(
                "confirm.rotate",
                "Rotate the team key? Every case's keys are re-wrapped to a new key, and everyone else is logged"
                        + " out at once and must log in again with their passphrase. Your own session goes on.",
                "Renouveler la clé d'équipe? Les clés de chaque dossier sont scellées à nouveau pour une nouvelle clé,"
                        + " et toutes les autres personnes sont déconnectées aussitôt et doivent se reconnecter avec leur phrase"
                        + " de passe. Votre session continue.");
        put(
                "confirm.remove",
                "Remove {0}? The account is disabled, its sessions end, and the team key is rotated, which"
                        + " logs everyone else out. This cannot be undone.",
                "Retirer {0}? Le compte est désactivé, ses sessions prennent fin et la clé d'équipe est"
                        + " renouvelée, ce qui déconnecte tout le monde. C'est définitif.");
        put(
                "confirm.remove_agency",
                "Remove {0}? The account is disabled, its sessions end, and its agency's key is rotated, which"
                        + " logs the agency's other workers out. This cannot be undone.",
                "Retirer {0}? Le compte est désactivé, ses sessions prennent fin et la clé de son organisme"
                        + " est renouvelée, ce qui déconnecte les autres personnes de l'organisme. C'est définitif.");
        // working-group membership of an existing coordinator (issue 20)
        put(
                "confirm.group_remove",
                "Remove {0} from {1}? Their copy of {1}'s key is withdrawn and the key is rotated: they can"
                        + " open none of {1}'s cases, old or new, and {1}'s other coordinators are logged out and"
                        + " log in again. Other groups' keys do not change.",
                "Retirer {0} de {1}? Sa copie de la clé de {1} est retirée et la clé est renouvelée : cette"
                        + " personne ne peut plus ouvrir aucun dossier de {1}, ancien ou nouveau, et les autres"
                        + " personnes de {1} sont déconnectées et se reconnectent. Les clés des autres groupes ne"
                        + " changent pas.");
        put("tm.group.add_to", "Add {0} to a working group", "Ajouter {0} à un groupe de travail");
        put("tm.group.add", "Add to group", "Ajouter au groupe");
        put(
                "tm.group.unsigned",
                "membership not signed by an administrator",
                "appartenance non signée par l'administration");
        put("tm.group.remove_from", "Remove from {0}", "Retirer de {0}");
        put(
                "tm.msg.group_added",
                "{username} now belongs to {group} and holds its key; their sessions ended: they log in"
                        + " again to open its cases.",
                "{username} fait maintenant partie de {group} et en détient la clé; ses sessions ont pris"
                        + " fin : la personne se reconnecte pour ouvrir ses dossiers.");
        put(
                "tm.msg.group_removed",
                "{username} no longer belongs to {group}, whose key rotated: they can open none of its"
                        + " cases.",
                "{username} ne fait plus partie de {group}, dont la clé a été renouvelée : cette personne"
                        + " ne peut plus ouvrir aucun de ses dossiers.");
        put(
                "tm.msg.group_already",
                "{username} already belongs to {group}.",
                "{username} fait déjà partie de {group}.");
        put(
                "tm.msg.group_not_member",
                "{username} does not belong to {group}.",
                "{username} ne fait pas partie de {group}.");
        put(
                "tm.msg.group_last",
                "A coordinator keeps at least one working group: add the other one first.",
                "Une personne de coordination garde au moins un groupe de travail : ajoutez d'abord"
                        + " l'autre.");
        put(
                "tm.msg.not_coordinator",
                "Only a coordinator whose key record verifies changes working groups.",
                "Seule une personne de coordination dont l'enregistrement de clé est vérifié change de"
                        + " groupe de travail.");
        put("tm.msg.no_group", "No such working group.", "Ce groupe de travail n'existe pas.");
        put(
                "confirm.end_sessions",
                "End every session of {0}? They are logged out on all their devices now and must log in"
                        + " again. The account stays.",
                "Fermer toutes les sessions de {0}? La personne est déconnectée sur tous ses appareils et doit"
                        + " se reconnecter. Le compte reste.");
        put("case.side", "Intake answers and export", "Réponses à l'accueil et export");
        put("case.toolbar", "Work on this case", "Travail sur ce dossier");
        put("case.bot", "Haven's intake", "Accueil de Haven");
        put(
                "case.bot.done",
                "Intake finished; its answers are in the side panel. Triage:",
                "Accueil terminé ; les réponses sont dans le panneau latéral. Triage :");
        put("case.reply.keys", "Ctrl+Enter sends.", "Ctrl+Entrée envoie.");
        put("case.saved", "Saved.", "Enregistré.");
        put(
                "case.taken",
                "This case was given to someone else or back to the queue: you can no longer work on it here."
                        + " Reload the page to see it as it is now.",
                "Ce dossier a été confié à quelqu'un d'autre ou remis dans la file : vous ne pouvez plus y travailler"
                        + " ici. Rechargez la page pour le voir tel qu'il est.");
        put(
                "case.save_failed",
                "Not saved. Reload the page and try again.",
                "Non enregistré. Rechargez la page et réessayez.");
        put(
                "case.gone",
                "This case was deleted (the person or an administrator asked, or its retention ended). Nothing more can be done here.",
                "Ce dossier a été supprimé (à la demande de la personne ou d'un administrateur, ou à la fin de sa conservation). Il n'y a plus rien à faire ici.");
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
        put("case.move", "Move to working group", "Déplacer vers le groupe de travail");
        put("case.move.save", "Move", "Déplacer");
        put(
                "case.moved",
                "Case moved: it is now sealed to that group's key only.",
                "Dossier déplacé : il n'est plus scellé qu'à la clé de ce groupe.");
        put(
                "case.move.refused",
                "The case was not moved: your keys do not open all of it, or that group has no key yet.",
                "Le dossier n'a pas été déplacé : vos clés ne l'ouvrent pas en entier, ou ce groupe n'a pas encore de clé.");
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
        put(
                "case.canned.in_english",
                "in English: none in this case's language",
                "en anglais : aucune dans la langue du dossier");
        put("canned", "Canned replies", "Réponses types");
        put(
                "canned.help",
                "Coordinators pick these in a case's reply box: the text in the case's language goes"
                        + " into the box, where they can change it before sending. A reply with no text in"
                        + " that language is offered in English, marked so. These words are the"
                        + " organisation's, not a person's: never put a name or a detail of a case in one.",
                "Les personnes coordonnatrices les choisissent dans la zone de réponse d'un dossier : le"
                        + " texte dans la langue du dossier y est inséré, modifiable avant l'envoi. Une réponse"
                        + " sans texte dans cette langue est proposée en anglais, avec une mention. Ces mots"
                        + " sont ceux de l'organisme, pas d'une personne : n'y mettez jamais un nom ni un"
                        + " détail d'un dossier.");
        put("canned.none", "No canned replies yet.", "Aucune réponse type pour l'instant.");
        put("canned.add", "Add a canned reply", "Ajouter une réponse type");
        put("canned.edit", "Edit", "Modifier");
        put("canned.edit.heading", "Edit a canned reply", "Modifier une réponse type");
        put("canned.up", "Move up", "Monter");
        put("canned.down", "Move down", "Descendre");
        put("canned.delete", "Delete", "Supprimer");
        put("canned.save", "Save", "Enregistrer");
        put("canned.cancel", "Back to the canned replies", "Retour aux réponses types");
        put("canned.title", "Title", "Titre");
        put("canned.text", "Text", "Texte");
        put("canned.languages", "Languages: ", "Langues : ");
        put("canned.missing", "No text in: ", "Aucun texte en : ");
        put(
                "canned.form.help",
                "Write a title and a text in each language you want; leave both empty for a"
                        + " language the reply does not have.",
                "Écrivez un titre et un texte dans chaque langue voulue; laissez les deux vides pour"
                        + " une langue que la réponse n'a pas.");
        put(
                "canned.incomplete",
                "Each language needs both a title and a text, or neither: see {0}.",
                "Chaque langue demande un titre et un texte, ou aucun des deux : voir {0}.");
        put(
                "canned.empty",
                "Write a title and a text in at least one language.",
                "Écrivez un titre et un texte dans au moins une langue.");
        put(
                "canned.too_long",
                "A title is at most 200 characters and a text at most 4000: see {0}.",
                "Un titre compte au plus 200 caractères et un texte au plus 4000 : voir {0}.");
        put("canned.added", "Canned reply added.", "Réponse type ajoutée.");
        put("canned.saved", "Canned reply saved.", "Réponse type enregistrée.");
        put("canned.moved", "Canned reply moved.", "Réponse type déplacée.");
        put("canned.deleted", "Canned reply deleted.", "Réponse type supprimée.");
        put(
                "canned.gone",
                "That canned reply no longer exists.",
                "Cette réponse type n'existe plus.");
        put(
                "confirm.canned_delete",
                "Delete the canned reply \u201c{0}\u201d, in every language? Coordinators will no"
                        + " longer be offered it. This cannot be undone.",
                "Supprimer la réponse type \u00ab {0} \u00bb, dans toutes les langues? Elle ne sera"
                        + " plus proposée aux personnes coordonnatrices. C'est irréversible.");
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
        put("case.refer.short", "Refer to", "Orienter vers");
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
                "Every case export is signed with this key, derived from the export key that every coordinator holds. Give"
                        + " the public key to the lawyers you export to, so they can check an export came from here. It changes when a"
                        + " coordinator is removed.",
                "Chaque export de dossier est signé avec cette clé, dérivée de la clé d'export que détient chaque coordinateur."
                        + " Donnez la clé publique aux avocats destinataires, pour qu'ils vérifient qu'un export vient d'ici. Elle change"
                        + " quand un coordinateur est retiré.");
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
        put(
                "login.ended.team_key",
                "The team key was changed, which ends every other session: please log in again.",
                "La clé de l'équipe a été changée, ce qui met fin aux autres sessions : reconnectez-vous.");
        put("nav.account", "Account", "Compte");
        put("setup.title", "First setup", "Première configuration");
        put(
                "setup.heading",
                "Create the first administrator",
                "Créer la première personne de l'administration");
        put(
                "setup.intro",
                "Enter the one-time setup code from the file <code>setup-code.txt</code> in Haven's data directory"
                        + " (or the one <code>haven setup-code</code> printed), then choose your username and a passphrase"
                        + " of at least {n} characters. The passphrase unlocks the key that opens every case: it cannot be"
                        + " recovered.",
                "Saisissez le code de configuration à usage unique du fichier <code>setup-code.txt</code> dans le"
                        + " répertoire de données de Haven (ou celui qu'a affiché <code>haven setup-code</code>), puis"
                        + " choisissez votre nom d'utilisateur et une phrase de passe d'au moins {n} caractères. La phrase"
                        + " de passe déverrouille la clé qui ouvre chaque dossier : elle ne peut pas être récupérée.");
        put(
                "setup.pin",
                "The team key's fingerprint (its pin) is {pin}. Keep it with the server keys: Haven accepts no key"
                        + " that does not chain to it. On a cluster, set <code>HAVEN_TEAM_KEY_PIN</code> to it on every"
                        + " gateway. It is also on the Team page.",
                "L'empreinte de la clé de l'équipe (son épingle) est {pin}. Gardez-la avec les clés du serveur :"
                        + " Haven n'accepte aucune clé qui ne s'y rattache pas. Sur une grappe, donnez-la à"
                        + " <code>HAVEN_TEAM_KEY_PIN</code> sur chaque passerelle. Elle figure aussi sur la page Équipe.");
        put("setup.code", "Setup code", "Code de configuration");
        put("setup.passphrase", "Passphrase", "Phrase de passe");
        put("setup.again", "Passphrase again", "La phrase de passe, à nouveau");
        put("setup.go", "Create administrator", "Créer l'administration");
        put(
                "setup.wrong_code",
                "That setup code is not right.",
                "Ce code de configuration n'est pas le bon.");
        put(
                "setup.done",
                "Setup is already complete: log in.",
                "La configuration est déjà faite : connectez-vous.");
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
        put(
                "refused.other_site",
                "That request came from another site.",
                "Cette demande vient d'un autre site.");
        put(
                "audit.admins_only",
                "Only administrators read the audit log.",
                "Seuls les administrateurs lisent le journal d'audit.");
        put(
                "audit.bad_case",
                "The case must be a case id.",
                "Le dossier doit être un identifiant de dossier.");
        put("audit.bad_date", "Dates are written YYYY-MM-DD.", "Les dates s'écrivent AAAA-MM-JJ.");
        put(
                "audit.intact",
                "The hash chain verifies: {entries} entries intact.",
                "La chaîne de hachage est vérifiée : {entries} entrées intactes.");
        put(
                "audit.broken",
                "The hash chain is BROKEN at {entry}.",
                "La chaîne de hachage est ROMPUE à {entry}.");
        put("audit.actor", "Actor", "Auteur");
        put("audit.action_prefix", "Action (or its beginning)", "Action (ou son début)");
        put("audit.action", "Action", "Action");
        put("audit.case_id", "Case id", "Identifiant du dossier");
        put("audit.case", "Case", "Dossier");
        put("audit.from", "From", "Du");
        put("audit.until", "Until", "Au");
        put("audit.time", "Time (UTC)", "Heure (UTC)");
        put(
                "audit.caption",
                "Audit entries, newest first (at most {limit})",
                "Entrées d'audit, les plus récentes d'abord ({limit} au plus)");
        put("audit.none", "No entries.", "Aucune entrée.");
        put("intake", "Intake", "Accueil");
        put(
                "intake.heading",
                "Intake script and referral directory",
                "Script d'accueil et répertoire d'orientation");
        put(
                "intake.too_large",
                "the script is empty or larger than 512 KiB",
                "le script est vide ou dépasse 512 Kio");
        put(
                "intake.in_use",
                "The new intake is checked and in use.",
                "Le nouveau script d'accueil est vérifié et en service.");
        put(
                "intake.refused",
                "Refused: the check found errors",
                "Refusé : la vérification a trouvé des erreurs");
        put("intake.warnings", "Warnings", "Avertissements");
        put(
                "intake.help",
                "Currently in use: uploaded by {who}. The format is described in docs/intake.md. Every question"
                        + " needs English and French; the check also counts SMS segments for each prompt.",
                "En service : téléversé par {who}. Le format est décrit dans docs/intake.md. Chaque question doit avoir"
                        + " l'anglais et le français; la vérification compte aussi les segments SMS de chaque question.");
        put("intake.script", "Intake script (YAML)", "Script d'accueil (YAML)");
        put("intake.directory", "Referral directory (YAML)", "Répertoire d'orientation (YAML)");
        put("intake.upload", "Check and use", "Vérifier et utiliser");
        inboxCare();
    }

    /** Issue 19: sensitive answers, deleting a case, unread marks. */
    private static void inboxCare() {
        put("case.sensitive.show", "Sensitive answer: show", "Réponse sensible : afficher");
        put("settings.sensitive", "Sensitive answers", "Réponses sensibles");
        put(
                "settings.sensitive.hide",
                "Hide the answers about what happened until I choose to show them",
                "Masquer les réponses sur ce qui s'est passé jusqu'à ce que je choisisse de les afficher");
        put(
                "settings.sensitive.help",
                "Answers the intake marks sensitive, such as what the person lived through, stay folded on the"
                        + " case page behind a \"show\" button, so you can choose when to read them.",
                "Les réponses que l'accueil marque sensibles, comme ce que la personne a vécu, restent repliées sur"
                        + " la page du dossier derrière un bouton « afficher », pour choisir le moment de les lire.");
        put("settings.sensitive.saved", "Saved.", "Enregistré.");
        put("case.delete", "Delete this case", "Supprimer ce dossier");
        put(
                "case.delete.help",
                "Deletes the answers, messages, notes and files, and the conversation with the person."
                        + " It cannot be undone.",
                "Supprime les réponses, messages, notes et fichiers, et la conversation avec la personne."
                        + " C'est irréversible.");
        put(
                "case.delete.confirm",
                "Delete case {ref}? Its answers, messages, notes and files and the conversation with the person"
                        + " are deleted for everyone, and cannot be recovered. Anyone who has it open is told.",
                "Supprimer le dossier {ref}? Ses réponses, messages, notes et fichiers et la conversation avec la"
                        + " personne sont supprimés pour tout le monde, sans retour possible. Quiconque l'a ouvert"
                        + " en est averti.");
        put("case.deleted", "The case was deleted.", "Le dossier a été supprimé.");
        put("queue.unread", "Unread", "Non lu");
        put("queue.new_message", "New message", "Nouveau message");
    }

    private static void put(String key, String en, String fr) {
        T.put(key, new String[] {en, fr});
    }

    private Text() {}

    /** Every key, for the test that each has both languages. */
    static Set<String> keys() {
        return Set.copyOf(T.keySet());
    }

    /** A key's texts as written, English then French (null where one is missing), for that test. */
    static List<String> written(String key) {
        return Arrays.asList(T.get(key).clone());
    }

    /**
     * The language of a page shown before login: {@code param} ("fr" or anything else for English)
     * if given, else French when the browser's {@code Accept-Language} starts with it, else
     * English.
     */
    public static String preferred(String param, String acceptLanguage) {
        if (param != null) {
            return "fr".equals(param) ? "fr" : "en";
        }
        return acceptLanguage != null
                        && acceptLanguage.strip().toLowerCase(Locale.ROOT).startsWith("fr")
                ? "fr"
                : "en";
    }

    /** The text for {@code key} in {@code language} ("en" or "fr"). */
    public static String t(String language, String key) {
        String[] v = T.get(key);
        if (v == null) {
            return key;
        }
        return "fr".equals(language) ? v[1] : v[0];
    }

    /**
     * The text of {@code key} with {@code {0}} replaced by {@code arg}, unescaped: the caller
     * escapes the whole.
     */
    public static String t(String language, String key, String arg) {
        return t(language, key).replace("{0}", arg == null ? "" : arg);
    }
}
