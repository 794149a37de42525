/* Haven web chat; protocol: docs/webchat-protocol.md. Server text via textContent only,
 * never as HTML. Stores only the resume token, in sessionStorage. The page's own words come in
 * words.js, served from the intake script's page_* messages, in each of its languages. */
'use strict';
(function () {
  var KEY = 'haven.resume', WORDS = window.HAVEN_WORDS || {};
  var $ = function (id) { return document.getElementById(id); };
  var body = document.body, log = $('log'), input = $('text'), statusEl = $('status');
  var ws = null, ready = false, exiting = false, retry = 0, timer = 0, ackTimer = 0, lastEsc = 0;
  var pending = []; // {id, f: frame text, el: bubble, t: times sent}, in send order, until acked
  var opts = null, mem = null, recent = [], skip = [], fresh = false;
  // the page's language: one of WORDS, or null for English with French beside (none of them is the browser's)
  var lang = null, statusWords = null;

  function w(key) {
    var own = WORDS[lang || 'en'] || {};
    return own[key] || (WORDS.en || {})[key] || '';
  }

  // The first of the browser's languages that the page speaks (Dari, prs, is written as Farsi).
  function browserLanguage() {
    var tags = navigator.languages && navigator.languages.length ? navigator.languages : [navigator.language || ''];
    for (var i = 0; i < tags.length; i++) {
      var base = String(tags[i]).toLowerCase().split(/[-_]/)[0];
      if (base === 'prs') base = 'fa';
      if (Object.prototype.hasOwnProperty.call(WORDS, base)) return base;
    }
    return null;
  }

  // A word of the page, and in French beside it while the page does not know the person's language.
  function twin(n, key) {
    n.textContent = w(key);
    if (!lang && WORDS.fr) n.appendChild(el('span', '', ' ' + WORDS.fr[key], 'fr', 'ltr'));
  }

  // Puts the page in a language: its words, <html lang> and dir.
  function speak(code) {
    lang = code;
    var root = document.documentElement;
    root.lang = lang || 'en';
    root.dir = w('dir') === 'rtl' ? 'rtl' : 'ltr';
    document.title = w('title');
    $('heading').textContent = w('heading');
    twin($('exit'), 'exit');
    twin($('about'), 'about');
    twin($('label'), 'label');
    input.placeholder = w('placeholder');
    $('send').textContent = w('send');
    log.setAttribute('aria-label', w('log'));
    if (opts) opts.setAttribute('aria-label', w('choices'));
    var done = opts && opts.querySelector('.done');
    if (done) done.textContent = w('done');
    if (statusWords) say(statusWords);
  }

  // The conversation goes on in another language the page speaks: the page follows it.
  function follow(code) {
    var base = typeof code === 'string' ? code.toLowerCase() : '';
    if (Object.prototype.hasOwnProperty.call(WORDS, base) && base !== (lang || 'en')) speak(base);
  }

  function exitUrl() {
    var u = body.getAttribute('data-exit-url');
    return /^https?:\/\/[^\s"<>]+$/.test(u) ? u : 'https://www.google.com/';
  }

  function quickExit(e) {
    if (e) e.preventDefault();
    var url = exitUrl();
    forget(); // gone at once, even if the next page is slow to load
    location.replace(url);
  }

  // Leaves nothing of the chat in the page or the tab's storage: what the socket, the timers and
  // storage hold goes, and the page is left blank or showing one plain text.
  function forget() {
    exiting = true;
    clearTimeout(timer);
    clearTimeout(ackTimer);
    if (ws) { ws.onclose = ws.onmessage = null; try { ws.close(); } catch (x) { /* leaving */ } }
    ws = mem = null;
    pending = [];
    try { sessionStorage.clear(); } catch (x) { /* storage disabled */ }
    try { localStorage.clear(); } catch (x) { /* idem */ }
    body.textContent = '';
  }

  // The duress word: someone else may be reading the screen. The conversation is cleared from it,
  // and the page shows only the server's neutral notice, as a page would that is gone.
  function wipe(m) {
    forget();
    var text = typeof m.text === 'string' ? m.text : '';
    document.title = text;
    body.className = 'gone';
    body.appendChild(el('p', 'gone', text, m.lang, m.dir));
  }

  function token(v) {
    if (v === undefined) {
      try { return sessionStorage.getItem(KEY) || mem; } catch (x) { return mem; }
    }
    mem = v;
    try { if (v) sessionStorage.setItem(KEY, v); else sessionStorage.removeItem(KEY); } catch (x) { /* memory only */ }
  }

  // The status line in the page's words (kept, to be said again in another language).
  function say(keys) {
    status(keys.map(w).join(' '));
    statusWords = keys;
  }

  function status(t) {
    var end = log.scrollHeight - log.scrollTop - log.clientHeight < 30;
    statusWords = null;
    statusEl.textContent = t || '';
    if (end) log.scrollTop = log.scrollHeight; // the log just got shorter or taller: stay at the end
  }

  function el(tag, cls, text, lang, dir) {
    var n = document.createElement(tag);
    n.className = cls;
    n.textContent = text;
    if (/^[A-Za-z]{2,3}(-[A-Za-z0-9]{1,8})*$/.test(lang)) n.lang = lang;
    n.dir = dir === 'rtl' || dir === 'ltr' ? dir : 'auto';
    return n;
  }

  function add(cls, text, lang, dir) {
    var n = log.appendChild(el('div', cls, text, lang, dir));
    scroll(n);
    return n;
  }

  function scroll(n) {
    log.scrollTop = log.scrollHeight;
    if (n.offsetTop < log.scrollTop) log.scrollTop = n.offsetTop - 8; // long reply: show its start
  }

  function mark(p, failed) {
    var m = p.el.appendChild(el('span', 'mark', w(failed ? 'notSent' : 'sent'), lang || 'en'));
    if (failed) p.el.className += ' fail'; else m.setAttribute('aria-hidden', 'true');
  }

  function clearOptions() {
    if (opts) log.removeChild(opts);
    opts = null;
  }

  // A reply's options: buttons that answer at once, or, for a multiple-choice question, answers
  // that stay pressed and a Done button that sends them together (the controls still answer at once).
  function showOptions(m) {
    clearOptions();
    if (!Array.isArray(m.options) || !m.options.length) return;
    var several = m.multiple === true, done = null;
    opts = log.appendChild(el('div', 'opts', '', m.lang, m.dir));
    opts.setAttribute('role', 'group');
    opts.setAttribute('aria-label', w('choices'));
    m.options.forEach(function (o) {
      if (!o || typeof o.value !== 'string' || !o.value) return;
      var toggle = several && o.control !== true;
      if (several && !toggle && !done) done = doneButton(m.lang);
      var b = opts.appendChild(el('button', '', typeof o.label === 'string' && o.label ? o.label : o.value));
      b.type = 'button';
      b.value = o.value; // what is sent; the label may be in any language
      if (toggle) {
        b.setAttribute('aria-pressed', 'false');
        b.addEventListener('click', function () { press(b); });
      } else {
        b.addEventListener('click', function (e) { submit(o.value, b.textContent, m.lang); keyboard(e); });
      }
    });
    if (several && !done) doneButton(m.lang);
  }

  function keyboard(e) {
    if (e.detail === 0) input.focus(); // keyboard use; a tap must not pop up the phone's keyboard
  }

  function press(b) {
    b.setAttribute('aria-pressed', b.getAttribute('aria-pressed') === 'true' ? 'false' : 'true');
    opts.querySelector('.done').disabled = !opts.querySelector('[aria-pressed="true"]');
  }

  // Sends the pressed answers as one message: their values joined by commas, as SMS would type "1,3".
  function doneButton(replyLang) {
    opts.appendChild(el('div', 'break', '')); // Done starts a line: apart from the answers, before the controls
    var d = opts.appendChild(el('button', 'done', w('done')));
    d.type = 'button';
    d.disabled = true;
    d.addEventListener('click', function (e) {
      var chosen = Array.prototype.slice.call(opts.querySelectorAll('[aria-pressed="true"]'));
      if (!chosen.length) return;
      submit(chosen.map(function (b) { return b.value; }).join(','),
        chosen.map(function (b) { return b.textContent; }).join(', '), replyLang);
      keyboard(e);
    });
    return d;
  }

  function sendFrame(f) {
    try { ws.send(typeof f === 'string' ? f : JSON.stringify(f)); } catch (x) { /* onclose follows */ }
  }

  // No ack in time: the connection is likely dead without the browser knowing. Start over.
  function watch() {
    clearTimeout(ackTimer);
    ackTimer = pending.length && ready ? setTimeout(function () { var s = ws; drop(); if (s) s.close(); }, 20000) : 0;
  }

  // Send what is not acked yet; a message refused five times (an error without id) gives up visibly.
  function flush() {
    if (!ready) return;
    pending = pending.filter(function (p) {
      if (p.t++ >= 5) return mark(p, true); // dropped
      sendFrame(p.f);
      return true;
    });
    watch();
  }

  function submit(text, shown, shownLang) {
    var a = new Uint8Array(12), id = '', n = add('msg me', shown, shownLang);
    crypto.getRandomValues(a);
    for (var i = 0; i < 12; i++) id += (a[i] + 256).toString(16).slice(1);
    n.insertBefore(you(), n.firstChild);
    clearOptions();
    fresh = true;
    var p = { id: id, f: JSON.stringify({ type: 'message', id: id, text: text }), el: n, t: 0 };
    pending.push(p);
    if (ready) { sendFrame(p.f); p.t++; if (pending.length === 1) watch(); }
    else if (!ws) { retry = 0; connect(); }
    else say(['kept']);
  }

  function you() {
    return el('span', 'sr', w('you'), lang || 'en');
  }

  function find(id) {
    for (var i = 0; i < pending.length; i++) if (pending[i].id === id) return i;
    return -1;
  }

  // Errors the page has its own words for (words.js), said in the page's language, with French
  // beside while the language is not known; any other as the server wrote it.
  var ERROR_WORDS = {rate_limited: 'wait', unavailable: 'unavailable', expired: 'ended', too_many_tries: 'tooManyTries'};

  function errorText(m) {
    var key = ERROR_WORDS[m.code];
    if (key && w(key)) return !lang && WORDS.fr && WORDS.fr[key] ? w(key) + ' / ' + WORDS.fr[key] : w(key);
    return typeof m.message === 'string' && m.message ? m.message : w('wrong');
  }

  function onError(m) {
    var text = errorText(m);
    var own = !!ERROR_WORDS[m.code], tl = own ? lang || 'en' : m.lang, td = own ? w('dir') : m.dir;
    var i = find(m.id), s = ws;
    if (m.code === 'rate_limited') { // keep everything pending, pause, then send again in order
      status(text);
      if (ready) {
        ready = false;
        setTimeout(function () { if (ws === s) { ready = true; status(''); flush(); } }, 5000);
      }
    } else if (m.code === 'unavailable') {
      drop();
      status(text);
      if (s) s.close();
    } else if (m.code === 'too_many_conversations') { // none was opened: ask again, on this socket, when the server says
      say(pending.length ? ['tooMany', 'kept'] : ['tooMany']);
      clearTimeout(ackTimer);
      var wait = typeof m.retry_after === 'number' && m.retry_after > 0 ? Math.min(m.retry_after, 120) : 60;
      ackTimer = setTimeout(function () { if (ws === s && !ready) { sendFrame(start()); awaitSession(s); } },
        wait * 1000 * (1 + Math.random() / 4));
    } else if (m.code === 'expired') { // the old conversation is gone: what was not stored is not sent
      pending.forEach(function (p) { mark(p, true); });
      pending = [];
      recent = [];
      token(null);
      ready = false;
      clearOptions();
      add('note', text, tl, td);
      sendFrame(start());
    } else {
      if (i >= 0) mark(pending.splice(i, 1)[0], true);
      add('note', text, tl, td);
      watch();
    }
  }

  function receive(data) {
    var m;
    try { m = JSON.parse(data); } catch (x) { return; }
    if (!m) return;
    if (m.type === 'session') {
      if (typeof m.resume === 'string' && m.resume && m.resume.length <= 256) token(m.resume);
      // after a reconnect the server repeats its last replies: skip those already on screen
      if (!ready) { ready = true; retry = 0; status(''); skip = recent.slice(); flush(); }
    } else if (m.type === 'history' && typeof m.text === 'string') {
      // after a reload: the conversation since hand-off, as it was shown before
      if (m.from === 'person') {
        var mine = add('msg me', m.text);
        mine.insertBefore(you(), mine.firstChild);
        recent = [];
      } else {
        follow(m.lang);
        said(m);
      }
    } else if (m.type === 'reply' && typeof m.text === 'string') {
      if (skip[0] === m.text) return skip.shift();
      skip = [];
      if (fresh) recent = [];
      fresh = false;
      follow(m.lang);
      var n = said(m);
      showOptions(m);
      scroll(n);
    } else if (m.type === 'ack') {
      var i = find(m.id);
      if (i >= 0) mark(pending.splice(i, 1)[0]);
      watch();
    } else if (m.type === 'error') {
      onError(m);
    } else if (m.type === 'wipe') {
      wipe(m);
    }
  }

  // A reply, the bot's or a coordinator's own words: these are marked so in sight and for screen
  // readers. The server repeats only the bot's last replies after a reconnect.
  function said(m) {
    var byPerson = m.from === 'coordinator';
    if (!byPerson) recent.push(m.text);
    var n = add(byPerson ? 'msg coordinator' : 'msg bot', m.text, m.lang, m.dir);
    if (byPerson) {
      var who = el('span', 'who', w('coordinator'), lang || 'en');
      if (!lang && WORDS.fr) who.appendChild(el('span', '', ' · ' + WORDS.fr.coordinator, 'fr', 'ltr'));
      n.insertBefore(who, n.firstChild);
    }
    return n;
  }

  function connect() {
    clearTimeout(timer);
    if (exiting || ws) return;
    say([retry ? 'reconnecting' : 'connecting']);
    var s;
    try { s = ws = new WebSocket(location.origin.replace(/^http/, 'ws') + '/chat/ws'); } catch (x) { drop(); return; }
    s.onopen = function () {
      var t = token(), f = start();
      if (t) f.resume = t;
      // a reloaded page shows nothing yet: ask for the conversation since hand-off
      if (t && !log.querySelector('.msg')) f.history = true;
      sendFrame(f);
      awaitSession(s);
    };
    s.onmessage = function (e) { if (s === ws) receive(e.data); };
    s.onclose = function () { if (s === ws) drop(); };
  }

  // No session in time after a start: the connection is likely dead. Start over.
  function awaitSession(s) {
    clearTimeout(ackTimer);
    ackTimer = setTimeout(function () { if (s === ws && !ready) { drop(); s.close(); } }, 20000);
  }

  // A new conversation opens in the page's language, when the page knows it (the server may not speak it).
  function start() {
    return lang ? { type: 'start', lang: lang } : { type: 'start' };
  }

  function drop() {
    ws = null;
    ready = false;
    clearTimeout(ackTimer);
    clearTimeout(timer);
    if (exiting) return;
    // 1, 2, 4 … 30 s, with jitter so that many phones do not all come back at once
    timer = setTimeout(connect, Math.min(30000, 1000 << Math.min(retry++, 5)) * (0.5 + Math.random() / 2));
    say(pending.length ? ['reconnecting', 'kept'] : ['reconnecting']);
  }

  $('form').addEventListener('submit', function (e) {
    e.preventDefault();
    var t = input.value.trim();
    if (!t) return;
    // 1000 characters, and the frame (id and JSON escapes included) within 4096 bytes
    if (Array.from(t).length > 1000 || new TextEncoder().encode(JSON.stringify(t)).length > 4000) {
      add('note', w('tooLong'), lang || 'en');
      return;
    }
    input.value = '';
    submit(t, t);
  });

  $('exit').addEventListener('click', quickExit);
  document.addEventListener('keydown', function (e) {
    if (e.key !== 'Escape' && e.key !== 'Esc') return;
    if (Date.now() - lastEsc < 1000) quickExit(e); else lastEsc = Date.now();
  });
  window.addEventListener('online', function () { if (!ws) { retry = 0; connect(); } });

  speak(browserLanguage());
  connect();
}());
