package org.haven.gateway.inbox;

import java.util.LinkedHashMap;
import java.util.Map;

/** Replies coordinators send often, in the languages the intake speaks. */
final class CannedReplies {
    /** id → language → text. */
    static final Map<String, Map<String, String>> ALL = new LinkedHashMap<>();

    static {
        ALL.put(
                "received",
                Map.of(
                        "en",
                                "Thank you for writing to us. A coordinator has your message and will contact you soon.",
                        "fr",
                                "Merci de nous avoir écrit. Une personne coordonnatrice a votre message et vous contactera bientôt.",
                        "ar", "شكراً لتواصلك معنا. وصلت رسالتك إلى منسق وسيتواصل معك قريباً.",
                        "es",
                                "Gracias por escribirnos. Una persona coordinadora tiene su mensaje y le contactará pronto.",
                        "fa",
                                "از پیام شما سپاسگزاریم. یک هماهنگ‌کننده پیام شما را دارد و به‌زودی با شما تماس می‌گیرد."));
        ALL.put(
                "call_time",
                Map.of(
                        "en",
                                "When is a safe time for us to call you? Please reply with a day and time.",
                        "fr",
                                "À quel moment pouvons-nous vous appeler en sécurité? Répondez avec un jour et une heure.",
                        "ar", "ما هو الوقت الآمن لنتصل بك؟ يرجى الرد بيوم ووقت.",
                        "es",
                                "¿Cuándo es un momento seguro para llamarle? Responda con un día y una hora.",
                        "fa", "چه زمانی برای تماس با شما امن است؟ لطفاً روز و ساعت را بنویسید."));
        ALL.put(
                "referred",
                Map.of(
                        "en",
                                "We have passed your request to a partner organisation that can help. They will contact you.",
                        "fr",
                                "Nous avons transmis votre demande à un organisme partenaire qui peut vous aider. Il vous contactera.",
                        "ar", "أحلنا طلبك إلى منظمة شريكة يمكنها المساعدة. ستتواصل معك.",
                        "es",
                                "Hemos enviado su solicitud a una organización aliada que puede ayudar. Le contactarán.",
                        "fa",
                                "درخواست شما را به یک سازمان همکار که می‌تواند کمک کند فرستادیم. آن‌ها با شما تماس می‌گیرند."));
    }

    private CannedReplies() {}

    static String text(String id, String language) {
        Map<String, String> texts = ALL.get(id);
        if (texts == null) {
            return null;
        }
        return texts.getOrDefault(language, texts.get("en"));
    }
}
