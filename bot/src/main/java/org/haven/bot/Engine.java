package org.haven.bot;

import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Predicate;
import org.haven.bot.ConversationState.Phase;
import org.haven.bot.engine.AnswerParser;
import org.haven.bot.engine.Keyword;
import org.haven.bot.engine.KeywordMatcher;
import org.haven.bot.engine.LanguageGuess;
import org.haven.bot.engine.Localizer;
import org.haven.bot.engine.Normalizer;
import org.haven.bot.engine.ResultBuilder;
import org.haven.bot.engine.Triager;
import org.haven.bot.script.Choice;
import org.haven.bot.script.Condition;
import org.haven.bot.script.Organisation;
import org.haven.bot.script.Provinces;
import org.haven.bot.script.Question;
import org.haven.bot.script.QuestionType;
import org.haven.bot.script.Script;
import org.haven.bot.script.Section;
import org.haven.bot.script.Text;
import org.haven.bot.script.Then;

/**
 * The intake dialogue as a state machine: {@code (intake, state, input) → (new state, replies,
 * events)}. Pure and synchronous: no I/O, no clock (the caller passes {@code now}), no hidden
 * state; one engine serves every conversation and is safe to share between threads.
 *
 * <p>Keywords (STOP, START, HELP, RESTART, DELETE, HUMAN, LANGUAGE, SKIP, PAUSE, in any of the
 * script's languages) work at every point. Until the person chooses a language, an answer or
 * keyword in another language switches to it. An unfinished intake resumes within the resume
 * window; after it, the intake restarts politely.
 */
public final class Engine {

    /**
     * Optional messages: the offer, after an urgent hand-off with no place, to send the crisis
     * lines of the person's province, and the heading of those lines.
     */
    private static final String CRISIS_PLACE = "crisis_place";

    private static final String CRISIS_LINES = "crisis_lines";

    /** The directory's service of crisis lines (day and night, by phone). */
    private static final String CRISIS_LINE = Triager.CRISIS_LINE;

    private final Script script;
    private final EngineSettings settings;
    private final KeywordMatcher keywords;
    private final AnswerParser parser;
    private final Triager triager;
    private final ResultBuilder results;
    private final Localizer localizer;
    private final String duress;
    private final Question languageQuestion;
    private final LanguageGuess guess;

    /** A language's own name, folded, → its code: typed alone, it chooses the language. */
    private final Map<String, String> languageNames = new LinkedHashMap<>();

    /**
     * @param intake the intake script
     * @param settings duress word and resume window
     */
    public Engine(Intake intake, EngineSettings settings) {
        this.script = Objects.requireNonNull(intake, "intake").script();
        this.settings = Objects.requireNonNull(settings, "settings");
        this.keywords = new KeywordMatcher(script);
        this.parser = new AnswerParser(script);
        this.triager = new Triager(script);
        this.results = new ResultBuilder(script, triager);
        this.localizer = new Localizer(script, settings.resumeWindow());
        this.duress = settings.duressWord() == null ? null : Normalizer.fold(settings.duressWord());
        this.languageQuestion =
                script.questions().stream()
                        .filter(q -> q.type() == QuestionType.LANGUAGE)
                        .findFirst()
                        .orElseThrow(
                                () ->
                                        new IllegalArgumentException(
                                                "the script has no language question"));
        this.guess = new LanguageGuess(script);
        script.languages()
                .forEach(l -> languageNames.putIfAbsent(Normalizer.fold(l.name()), l.code()));
    }

    /**
     * The script this engine runs, for facts the gateway takes from it (its languages and which are
     * written right to left, its messages, its working groups).
     *
     * @return the script
     */
    public Script script() {
        return script;
    }

    /**
     * One of the script's messages, in a conversation's language (or the default language where it
     * has none), for a text the caller completes itself (a resume phrase).
     *
     * @param key a message key of {@link org.haven.bot.script.Script#REQUIRED_MESSAGES}
     * @param language the conversation's language
     */
    public Reply message(String key, String language) {
        return localizer.message(key, language, null);
    }

    /**
     * A message the script may leave out (an older uploaded script), in a conversation's language.
     *
     * @param key a message key
     * @param language the conversation's language
     * @return the message, or empty when the script has none by that key
     */
    public Optional<Reply> messageIfDefined(String key, String language) {
        return script.messages().containsKey(key)
                ? Optional.of(message(key, language))
                : Optional.empty();
    }

    /**
     * Starts a new conversation: the first question ("is it safe to talk now?").
     *
     * @param channel the channel name, kept in the state ("sms", "telegram", "web")
     * @param now the current time
     * @return the first state and replies
     */
    public Turn start(String channel, Instant now) {
        return opening(channel, script.defaultLanguage(), now, false);
    }

    /**
     * Starts a new conversation in the language the person's device prefers (a browser's first
     * language, when it is one of the script's): the first question in it. It is not a choice: the
     * language question is still asked, and an answer in another language still switches to it.
     *
     * @param channel the channel name
     * @param language a language code; one the script does not speak, or null, starts as {@link
     *     #start(String, Instant)}
     * @param now the current time
     * @return the first state and replies
     */
    public Turn start(String channel, String language, Instant now) {
        return language != null && script.language(language).isPresent()
                ? opening(channel, language, now, false)
                : start(channel, now);
    }

    private Turn opening(String channel, String language, Instant now, boolean severalLanguages) {
        Session s =
                new Session(
                        new ConversationState(
                                ConversationState.VERSION,
                                channel,
                                language,
                                false,
                                Phase.ACTIVE,
                                null,
                                false,
                                Map.of(),
                                now.getEpochSecond(),
                                false,
                                null),
                        now);
        s.open(severalLanguages);
        return s.turn();
    }

    /**
     * Starts a new conversation from its first inbound message: a keyword or the duress word in it
     * is honoured at once (someone whose first message is STOP is not asked anything; AIDE starts
     * in French), and so is a language's own name ("Español"). Any other first message gets the
     * first question in its language where that is unambiguous ("Bonjour", "مرحبا", "Привіт");
     * otherwise in the script's first two languages (English and French), followed by a line
     * offering the others by their own names.
     *
     * @param channel the channel name
     * @param input the first message
     * @param now the current time
     * @return the first state and replies
     */
    public Turn open(String channel, String input, Instant now) {
        String raw = input == null ? "" : input.strip();
        boolean special =
                keywords.match(raw).isPresent()
                        || (duress != null && Normalizer.fold(raw).equals(duress))
                        || languageNames.containsKey(Normalizer.fold(raw));
        if (special) {
            return step(start(channel, now).state(), raw, now);
        }
        Optional<String> language = guess.guess(raw);
        return language.map(l -> opening(channel, l, now, false))
                .orElseGet(
                        () ->
                                opening(
                                        channel,
                                        script.defaultLanguage(),
                                        now,
                                        script.languages().size() > 1));
    }

    /**
     * Takes one input.
     *
     * @param state the state returned by the previous turn
     * @param input typed text or an {@link Option#value()}
     * @param now the current time
     * @return the new state, the replies and the events
     */
    public Turn step(ConversationState state, String input, Instant now) {
        return step(state, input, now, code -> true);
    }

    /**
     * Takes one input, knowing which agency referral codes exist: a well-formed code that no agency
     * holds is queried ("we do not recognise this code: check it, or go on without"), never
     * accepted silently.
     *
     * @param state the state returned by the previous turn
     * @param input typed text or an {@link Option#value()}
     * @param now the current time
     * @param knownCodes whether an agency holds a referral code (given as {@code 123-4567})
     * @return the new state, the replies and the events
     */
    public Turn step(
            ConversationState state, String input, Instant now, Predicate<String> knownCodes) {
        return step(state, input, now, knownCodes, Optional.empty());
    }

    /**
     * Takes one input, with a hint of the person's province from their channel (an SMS or WhatsApp
     * number's area code): when this input tells that they are in danger now, the crisis lines of
     * that province go with the emergency message at once, before they name a place. The hint
     * serves this step's replies only: it is not kept in the state, and a place the person names
     * wins.
     *
     * @param state the state returned by the previous turn
     * @param input typed text or an {@link Option#value()}
     * @param now the current time
     * @param knownCodes whether an agency holds a referral code (given as {@code 123-4567})
     * @param provinceHint a province or territory code ({@code SK}), or empty when none is known
     * @return the new state, the replies and the events
     */
    public Turn step(
            ConversationState state,
            String input,
            Instant now,
            Predicate<String> knownCodes,
            Optional<String> provinceHint) {
        Session s = new Session(Objects.requireNonNull(state, "state"), now);
        s.knownCodes = Objects.requireNonNull(knownCodes, "knownCodes");
        s.provinceHint = provinceHint.filter(Provinces::isCode).orElse(null);
        s.handle(input == null ? "" : input);
        return s.turn();
    }

    /**
     * A message that answered an earlier question, applied late: it waited in a gateway's spool
     * while the conversation went on. It is kept in the person's words with the question it
     * answered ({@code questionId}) or, when that is not known, with the messages written while the
     * service was away, and never taken as the answer to the question the person is at now. Nothing
     * is said, and the conversation stays where it is.
     */
    public Turn late(ConversationState state, String questionId, String text, Instant now) {
        Map<String, List<String>> answers = new LinkedHashMap<>(state.answers());
        String key =
                questionId != null && script.question(questionId).isPresent()
                        ? questionId
                        : ResultBuilder.WRITTEN_WHILE_AWAY;
        List<String> values = new ArrayList<>(answers.getOrDefault(key, List.of()));
        values.add(Condition.TYPED_PREFIX + text);
        answers.put(key, values);
        ConversationState next =
                new ConversationState(
                        state.version(),
                        state.channel(),
                        state.language(),
                        state.languageChosen(),
                        state.phase(),
                        state.question(),
                        state.languageAsked(),
                        answers,
                        Math.max(state.lastActivity(), now.getEpochSecond()),
                        state.handedOff(),
                        state.workingGroup());
        return new Turn(next, List.of(), List.of());
    }

    /** One turn's mutable working copy of the state. */
    private final class Session {
        private final String channel;
        private final long last;
        private final Instant now;
        private String language;
        private boolean languageChosen;
        private Phase phase;
        private String question;
        private boolean languageAsked;
        private boolean handedOff;
        private String workingGroup;
        private final Map<String, List<String>> answers;
        private final List<Reply> replies = new ArrayList<>();
        private final List<Event> events = new ArrayList<>();

        /**
         * While not empty, replies are written in each of these languages (the opening, when no
         * language is known).
         */
        private List<String> speaking = List.of();

        private Predicate<String> knownCodes = code -> true;

        /** The channel's hint of the person's province, for this step only, or null. */
        private String provinceHint;

        Session(ConversationState s, Instant now) {
            this.channel = s.channel();
            this.last = s.lastActivity();
            this.now = Objects.requireNonNull(now, "now");
            this.language =
                    script.language(s.language()).isPresent()
                            ? s.language()
                            : script.defaultLanguage();
            this.languageChosen = s.languageChosen();
            this.phase = s.phase();
            this.question =
                    s.question() != null && script.question(s.question()).isPresent()
                            ? s.question()
                            : null;
            this.languageAsked = s.languageAsked();
            this.handedOff = s.handedOff();
            this.workingGroup = s.workingGroup();
            this.answers = new LinkedHashMap<>(s.answers());
        }

        Turn turn() {
            return new Turn(
                    new ConversationState(
                            ConversationState.VERSION,
                            channel,
                            language,
                            languageChosen,
                            phase,
                            question,
                            languageAsked,
                            answers,
                            now.getEpochSecond(),
                            handedOff,
                            workingGroup),
                    replies,
                    events);
        }

        void handle(String input) {
            String raw = input.strip();
            String folded = Normalizer.fold(raw);
            boolean expired = expired(phase);
            // order matters: duress before anything (even keywords), opt-out before replies, expiry
            // before answers
            if (phase == Phase.DURESS_OPTED_OUT) {
                Optional<KeywordMatcher.Match> k = keywords.match(raw);
                if (k.isPresent() && k.get().keyword() == Keyword.START) {
                    events.add(new Event.OptedIn());
                    phase = Phase.DURESS;
                    decoy();
                }
                return; // nothing is sent to someone who opted out
            }
            if (phase == Phase.DURESS && !expired) {
                // STOP and DELETE still work, answered by nothing or the decoy: nothing hints at
                // Haven
                Optional<KeywordMatcher.Match> k = keywords.match(raw);
                Keyword word = k.map(KeywordMatcher.Match::keyword).orElse(null);
                if (word == Keyword.STOP) {
                    events.add(new Event.OptedOut());
                    phase = Phase.DURESS_OPTED_OUT;
                } else if (word == Keyword.DELETE) {
                    events.add(new Event.DeleteRequested());
                    phase = Phase.ENDED;
                    decoy();
                } else {
                    decoy();
                }
                return;
            }
            if (duress != null && folded.equals(duress)) {
                if (phase == Phase.OPTED_OUT) {
                    events.add(
                            new Event.DuressTriggered()); // flagged, but nothing is sent after STOP
                } else {
                    duress();
                }
                return;
            }
            Optional<KeywordMatcher.Match> kw = keywords.match(raw);
            if (phase == Phase.OPTED_OUT) {
                if (kw.isPresent() && kw.get().keyword() == Keyword.START) {
                    switchTo(kw.get(), raw);
                    events.add(new Event.OptedIn());
                    say("opted_in");
                    if (handedOff) {
                        phase = Phase.FINISHED; // the coordinator conversation goes on
                    } else if (expired(Phase.ACTIVE)) {
                        answers.clear();
                        begin();
                    } else {
                        phase = Phase.ACTIVE;
                        askCurrent();
                    }
                }
                return; // nothing is sent to someone who opted out
            }
            if (expired) {
                answers.clear();
                languageAsked = false;
                question = null;
                if (phase
                        != Phase.DURESS) { // after duress, nothing hints at an earlier conversation
                    say("expired");
                }
                phase = Phase.ACTIVE;
                if (kw.isPresent()
                        && kw.get().keyword() != Keyword.SKIP
                        && kw.get().keyword() != Keyword.START
                        && kw.get().keyword() != Keyword.PAUSE
                        && kw.get().keyword() != Keyword.RESTART) {
                    switchTo(kw.get(), raw);
                    keyword(kw.get().keyword());
                } else {
                    begin();
                }
                return;
            }
            if (kw.isPresent()) {
                switchTo(kw.get(), raw);
                keyword(kw.get().keyword());
                return;
            }
            String named = languageNames.get(folded);
            if (named != null
                    && !languageChosen
                    && phase == Phase.ACTIVE
                    && !languageAsked
                    && !languageQuestion.id().equals(question)) {
                chooseLanguage(named);
                askCurrent();
                return;
            }
            switch (phase) {
                case FINISHED -> {
                    if (languageAsked) {
                        answerLanguage(raw);
                    } else if (!raw.isEmpty()) {
                        events.add(new Event.MessageForCoordinator(raw));
                        say("received");
                        if (question != null) {
                            crisisLinesFor(raw);
                        }
                    }
                }
                case ENDED -> begin();
                case PAUSED -> {
                    phase = Phase.ACTIVE;
                    say("resume");
                    askCurrent();
                }
                default -> {
                    if (languageAsked) {
                        answerLanguage(raw);
                    } else {
                        answer(raw);
                    }
                }
            }
        }

        private boolean expired(Phase p) {
            return now.getEpochSecond() - last > settings.resumeWindow().toSeconds()
                    && (p == Phase.ACTIVE || p == Phase.PAUSED || p == Phase.DURESS);
        }

        private void switchTo(KeywordMatcher.Match m, String raw) {
            if (!languageChosen
                    && !Option.CONTROL_VALUES.contains(raw)
                    && !m.languages().contains(language)) {
                language = m.languages().get(0);
            }
        }

        private void keyword(Keyword k) {
            switch (k) {
                case STOP -> {
                    events.add(new Event.OptedOut());
                    say("opted_out");
                    phase = Phase.OPTED_OUT;
                    languageAsked = false;
                }
                case START -> {
                    switch (phase) {
                        case FINISHED -> say("handoff");
                        case ENDED -> begin();
                        default -> {
                            if (phase == Phase.PAUSED) {
                                phase = Phase.ACTIVE;
                                say("resume");
                            }
                            askCurrent();
                        }
                    }
                }
                case HELP -> {
                    say("help");
                    if (phase == Phase.ACTIVE) {
                        askCurrent();
                    }
                }
                case RESTART -> {
                    answers.clear();
                    handedOff = false;
                    workingGroup = null;
                    languageAsked = false;
                    say("restart");
                    begin();
                }
                case DELETE -> {
                    events.add(new Event.DeleteRequested());
                    answers.clear();
                    handedOff = false;
                    workingGroup = null;
                    question = null;
                    languageAsked = false;
                    phase = Phase.ENDED;
                    say("deleted");
                }
                case HUMAN -> {
                    events.add(new Event.HumanRequested());
                    if (phase != Phase.FINISHED) {
                        handOff(results.askedForPerson(answers, language));
                    }
                    say("human");
                }
                case PHRASE -> {
                    // the gateway makes the phrase and says it; the conversation goes on where it
                    // was
                    events.add(new Event.PhraseRequested());
                    if (phase == Phase.ACTIVE) {
                        askCurrent();
                    }
                }
                case LANGUAGE -> {
                    if (phase == Phase.PAUSED || phase == Phase.ENDED) {
                        if (phase == Phase.ENDED) {
                            question = null;
                        }
                        phase = Phase.ACTIVE;
                    }
                    languageAsked = true;
                    ask(languageQuestion);
                }
                case SKIP -> {
                    if (phase == Phase.FINISHED) {
                        say("handoff");
                    } else if (phase == Phase.ENDED) {
                        begin();
                    } else if (phase == Phase.PAUSED) {
                        phase = Phase.ACTIVE;
                        say("resume");
                        askCurrent();
                    } else if (languageAsked) {
                        languageAsked = false;
                        askCurrent();
                    } else if (question == null) {
                        begin();
                    } else {
                        Question q = script.question(question).orElseThrow();
                        answers.put(q.id(), typedSoFar(q)); // words typed at it stay
                        advance(script.indexOf(q.id()) + 1, q.section());
                    }
                }
                case PAUSE -> {
                    if (phase == Phase.FINISHED) {
                        say("handoff");
                    } else {
                        if (phase == Phase.ENDED) {
                            question = null;
                        }
                        phase = Phase.PAUSED;
                        languageAsked = false;
                        say("pause");
                    }
                }
                default -> throw new IllegalStateException("unhandled keyword " + k);
            }
        }

        /**
         * The first replies of a conversation: on SMS, that our texts stay on the phone; then the
         * first question, in several languages when none is known, with a line offering the others.
         */
        void open(boolean severalLanguages) {
            if (severalLanguages) {
                speaking = script.languages().stream().limit(2).map(l -> l.code()).toList();
            }
            if ("sms".equals(channel)) {
                say("phone_note");
            }
            begin();
            if (severalLanguages) {
                Reply offer = localizer.messages("other_languages", speaking, group());
                String others =
                        String.join(
                                " / ",
                                script.languages().stream()
                                        .filter(l -> !speaking.contains(l.code()))
                                        .map(l -> l.name())
                                        .toList());
                replies.add(
                        new Reply(
                                offer.text() + "\n" + others,
                                List.of(),
                                offer.language(),
                                offer.rtl()));
                speaking = List.of();
            }
        }

        /** Asks the first question shown. */
        void begin() {
            phase = Phase.ACTIVE;
            question = null;
            advance(0, null);
        }

        private void askCurrent() {
            if (languageAsked) {
                ask(languageQuestion);
            } else if (question == null) {
                begin();
            } else {
                ask(script.question(question).orElseThrow());
            }
        }

        /**
         * Moves to the first question shown at or after {@code from}; hands off when none is left.
         */
        private void advance(int from, String previousSection) {
            List<Question> qs = script.questions();
            for (int i = Math.max(0, from); i < qs.size(); i++) {
                Question q = qs.get(i);
                if (q.shown(answers) && !(q.type() == QuestionType.LANGUAGE && languageChosen)) {
                    if (!q.section().equals(previousSection)) {
                        script.section(q.section()).map(Section::warning).ifPresent(this::say);
                    }
                    question = q.id();
                    ask(q);
                    return;
                }
            }
            finishIntake();
        }

        private void answerLanguage(String raw) {
            AnswerParser.Parsed p = parser.parse(languageQuestion, raw, language, year());
            if (p instanceof AnswerParser.Accepted a) {
                languageAsked = false;
                chooseLanguage(a.values().get(0));
                afterLanguage();
            } else if (p instanceof AnswerParser.Typed t) {
                typedAtLanguage(t.text());
            } else {
                say("error");
                ask(languageQuestion);
            }
        }

        /** Goes on from where the language question was asked. */
        private void afterLanguage() {
            if (phase == Phase.FINISHED) {
                say("handoff");
            } else if (languageQuestion.id().equals(question)) {
                advance(script.indexOf(question) + 1, languageQuestion.section());
            } else {
                askCurrent();
            }
        }

        /**
         * Words typed at the language question (a disclosure, in any language) are kept and
         * acknowledged, never "did not understand". When their language is unambiguous it becomes
         * the conversation's, as a chosen one would; otherwise the question is asked again.
         */
        private void typedAtLanguage(String text) {
            Optional<String> own = languageChosen ? Optional.empty() : guess.guess(text);
            if (handedOff) {
                events.add(new Event.MessageForCoordinator(text));
            } else {
                List<String> values = new ArrayList<>(typedSoFar(languageQuestion));
                values.add(Condition.TYPED_PREFIX + text);
                answers.put(languageQuestion.id(), values);
            }
            if (own.isPresent()) {
                languageAsked = false;
                chooseLanguage(own.get());
                say("acknowledged");
                afterLanguage();
            } else {
                say("acknowledged");
                ask(languageQuestion);
            }
        }

        private void chooseLanguage(String code) {
            language = code;
            languageChosen = true;
            if (!handedOff) {
                List<String> values = new ArrayList<>(List.of(code));
                values.addAll(typedSoFar(languageQuestion));
                answers.put(languageQuestion.id(), values);
            }
            if (script.language(code).map(l -> !l.complete()).orElse(false)) {
                say("partial_language");
            }
        }

        private void answer(String raw) {
            if (question == null) {
                begin();
                return;
            }
            Question q = script.question(question).orElseThrow();
            AnswerParser.Parsed p = parser.parse(q, raw, language, year());
            if (p instanceof AnswerParser.Typed t) {
                if (q.type() == QuestionType.LANGUAGE) {
                    typedAtLanguage(t.text());
                } else {
                    typed(q, t.text());
                }
                return;
            }
            if (p instanceof AnswerParser.Kept k) {
                // more than the question expects, kept whole: the person is thanked, not refused
                answers.put(q.id(), k.values());
                say("acknowledged");
                advance(script.indexOf(q.id()) + 1, q.section());
                return;
            }
            if (p instanceof AnswerParser.Rejected r) {
                if (r.messageKey() == null && q.validation() != null) {
                    say(q.validation().message());
                } else {
                    say(r.messageKey() == null ? "error" : r.messageKey());
                }
                ask(q);
                return;
            }
            AnswerParser.Accepted a = (AnswerParser.Accepted) p;
            if (q.type() == QuestionType.REFERRAL_CODE && !knownCodes.test(a.values().get(0))) {
                say("unknown_code");
                ask(q);
                return;
            }
            if (a.language() != null && !languageChosen) {
                language = a.language();
            }
            List<String> values = new ArrayList<>(a.values());
            values.addAll(
                    typedSoFar(q)); // what they wrote in their own words stays with the answer
            answers.put(q.id(), values);
            if (q.type() == QuestionType.LANGUAGE) {
                chooseLanguage(a.values().get(0));
            }
            Then then = Then.CONTINUE;
            String goTo = null;
            for (String v : a.values()) {
                Optional<Choice> c = q.choice(v);
                if (c.isEmpty()) {
                    continue;
                }
                if (c.get().say() != null) {
                    say(c.get().say());
                }
                if (then == Then.CONTINUE) {
                    then = c.get().then();
                }
                if (goTo == null) {
                    goTo = c.get().goTo();
                }
            }
            switch (then) {
                case PAUSE -> {
                    answers.remove(q.id());
                    phase = Phase.PAUSED;
                }
                case END -> {
                    answers.clear();
                    question = null;
                    phase = Phase.ENDED;
                }
                case HANDOFF -> finishIntake();
                default ->
                        advance(
                                goTo != null ? script.indexOf(goTo) : script.indexOf(q.id()) + 1,
                                q.section());
            }
        }

        /**
         * Words typed at a choice question are kept with its answer and acknowledged. An essential
         * question (is it safe? in danger?) is asked again: its answer decides what happens next.
         */
        private void typed(Question q, String text) {
            List<String> values = new ArrayList<>(typedSoFar(q));
            values.add(Condition.TYPED_PREFIX + text);
            answers.put(q.id(), values);
            say("acknowledged");
            if (q.essential()) {
                ask(q);
            } else {
                advance(script.indexOf(q.id()) + 1, q.section());
            }
        }

        private List<String> typedSoFar(Question q) {
            return answers.getOrDefault(q.id(), List.of()).stream()
                    .filter(v -> v.startsWith(Condition.TYPED_PREFIX))
                    .toList();
        }

        private void finishIntake() {
            Triager.Outcome told = triager.triage(answers);
            IntakeResult r = results.build(answers, language, false);
            handOff(r);
            String key =
                    told.say() != null && told.triage() == r.triage()
                            ? told.say()
                            : switch (r.triage()) {
                                case URGENT -> "outcome_urgent";
                                case LIKELY_IN_MANDATE -> "outcome_in_mandate";
                                case POSSIBLY_IN_MANDATE -> "outcome_possibly";
                                case OUTSIDE_MANDATE -> "outcome_outside";
                                case PERSON_ASKED ->
                                        "human"; // not a rule's outcome: the script cannot name it
                            };
            Reply outcome = localizer.message(key, language, r.workingGroup());
            Reply legal = localizer.message("not_legal_advice", language, r.workingGroup());
            if (legal.language().equals(outcome.language())) {
                replies.add(
                        new Reply(
                                outcome.text() + "\n" + legal.text(),
                                List.of(),
                                outcome.language(),
                                outcome.rtl()));
            } else {
                replies.add(outcome);
                replies.add(legal);
            }
            if (!r.referralSuggestions().isEmpty()) {
                Reply intro = localizer.message("referrals_intro", language, r.workingGroup());
                replies.add(intro);
                replies.add(ResultBuilder.listed(intro, r.referralSuggestions()));
            }
            if (r.triage()
                    != Triage.URGENT) { // the urgent outcome says itself how they will hear from us
                say("handoff");
            }
            say("reference"); // "{reference}" is the case's, filled in by whoever creates the case
            if (r.triage() == Triage.URGENT && r.workingGroup() == null) {
                offerCrisisLines();
            }
        }

        /**
         * An urgent case handed off before the place was asked (in danger now): the national lines
         * went with the outcome; the lines of the person's province follow as soon as they name it.
         * The city question stays open after the hand-off for that alone.
         */
        private void offerCrisisLines() {
            Optional<Question> place =
                    script.questions().stream()
                            .filter(q -> q.type() == QuestionType.CITY)
                            .findFirst();
            if (place.isPresent()
                    && script.messages().containsKey(CRISIS_PLACE)
                    && script.messages().containsKey(CRISIS_LINES)) {
                if (provinceHint != null) {
                    // the lines of the province their number is from, at once; the offer stays
                    // open, since they may be elsewhere
                    crisisLines(
                            Triager.forProvince(script, List.of(CRISIS_LINE), provinceHint),
                            script.fallbackGroup());
                }
                say(CRISIS_PLACE);
                question = place.get().id();
            }
        }

        /**
         * A message after an urgent hand-off that names a place gets the crisis lines of its
         * province, then of its working group, then the national ones (the message itself goes to
         * the case as any other). Until one does, the offer stays open.
         */
        private void crisisLinesFor(String raw) {
            Optional<String> named = triager.placeNamed(raw);
            if (named.isEmpty()) {
                return;
            }
            question = null;
            String group = named.get();
            crisisLines(
                    Triager.offering(
                            script,
                            List.of(CRISIS_LINE),
                            triager.provinceNamed(raw).orElse(null),
                            group,
                            Integer.MAX_VALUE),
                    group);
        }

        /** The crisis lines, after their introduction; nothing when there are none. */
        private void crisisLines(List<Organisation> organisations, String group) {
            List<String> lines = organisations.stream().map(ResultBuilder::suggestion).toList();
            if (lines.isEmpty()) {
                return;
            }
            Reply intro = localizer.message(CRISIS_LINES, language, group);
            replies.add(intro);
            replies.add(ResultBuilder.listed(intro, lines));
        }

        /**
         * The intake becomes a case: its answers travel in the event (to be sealed) and leave the
         * state, which keeps only the working group that later messages name.
         */
        private void handOff(IntakeResult r) {
            events.add(new Event.IntakeCompleted(r));
            workingGroup = r.workingGroup();
            answers.clear();
            phase = Phase.FINISHED;
            handedOff = true;
            question = null;
            languageAsked = false;
        }

        private void duress() {
            events.add(new Event.DuressTriggered());
            if (phase != Phase.FINISHED) {
                events.add(new Event.IntakeCompleted(results.build(answers, language, true)));
            }
            answers.clear();
            question = null;
            languageAsked = false;
            phase = Phase.DURESS;
            decoy();
        }

        /**
         * The harmless reply after the duress word, in the channel's own form if the script has one
         * ("decoy_web").
         */
        private void decoy() {
            String own = "decoy_" + Localizer.scriptChannel(channel);
            say(script.messages().containsKey(own) ? own : "decoy");
        }

        private void ask(Question q) {
            Question asked = q.asked(answers);
            replies.add(
                    speaking.isEmpty()
                            ? localizer.question(asked, language, channel)
                            : localizer.question(asked, speaking, channel));
        }

        private void say(String key) {
            replies.add(
                    speaking.isEmpty()
                            ? localizer.message(key, language, group())
                            : localizer.messages(key, speaking, group()));
        }

        private void say(Text t) {
            replies.add(localizer.text(t, language, group()));
        }

        private String group() {
            return workingGroup != null ? workingGroup : triager.workingGroup(answers);
        }

        private int year() {
            return now.atZone(ZoneOffset.UTC).getYear();
        }
    }
}
