import { createHash } from 'node:crypto';

/**
 * The two static files the pages load (CSP `script-src 'self'`, `style-src 'self'`; no inline
 * script or style anywhere). Kept here as text so the build needs no copy step and nothing
 * comes from a CDN.
 */

const CSS = `
:root{--fg:#1b1f23;--muted:#5b6570;--line:#d9dee3;--bg:#f6f7f9;--in:#fff;--out:#d8ecff;--accent:#0b62c4;--bad:#b3261e;--ok:#1e7b34}
*{box-sizing:border-box}
body{margin:0;font:16px/1.4 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:var(--fg);background:var(--bg)}
header{display:flex;flex-wrap:wrap;gap:.25rem .75rem;align-items:center;padding:.5rem .75rem;background:#fff;border-bottom:1px solid var(--line);position:sticky;top:0;z-index:1}
header .brand{font-weight:700;margin-right:auto}
header a,header button{color:var(--accent);text-decoration:none;background:none;border:0;font:inherit;padding:.25rem;cursor:pointer}
header a[aria-current]{font-weight:700;text-decoration:underline}
header form{margin:0}
main{max-width:56rem;margin:0 auto;padding:.75rem}
h1{font-size:1.25rem;margin:.25rem 0 .75rem}
h2{font-size:1.05rem;margin:1rem 0 .5rem}
a{color:var(--accent)}
.muted{color:var(--muted);font-size:.875rem}
.bad{color:var(--bad)} .ok{color:var(--ok)}
.search{display:flex;gap:.5rem;margin-bottom:.75rem}
.search input{flex:1}
input,textarea,select,button{font:inherit;padding:.45rem .55rem;border:1px solid var(--line);border-radius:.4rem;background:#fff;max-width:100%}
button,.button{background:var(--accent);color:#fff;border-color:var(--accent);cursor:pointer;text-decoration:none;display:inline-block}
button.secondary{background:#fff;color:var(--accent)}
.threads{list-style:none;margin:0;padding:0;background:#fff;border:1px solid var(--line);border-radius:.5rem}
.threads li{border-bottom:1px solid var(--line)}
.threads li:last-child{border-bottom:0}
.threads a{display:grid;grid-template-columns:1fr auto;gap:.1rem .5rem;padding:.6rem .75rem;text-decoration:none;color:inherit}
.threads .who{font-weight:600;overflow-wrap:anywhere}
.threads .unread .who::before{content:"";display:inline-block;width:.55rem;height:.55rem;border-radius:50%;background:var(--accent);margin-right:.4rem;vertical-align:middle}
.threads .snippet{grid-column:1/3;color:var(--muted);overflow:hidden;text-overflow:ellipsis;white-space:nowrap}
.messages{list-style:none;margin:0;padding:0;display:flex;flex-direction:column-reverse;gap:.6rem}
.bubble{max-width:min(85%,34rem);padding:.5rem .7rem;border-radius:.9rem;background:var(--in);border:1px solid var(--line);overflow-wrap:anywhere}
.bubble.out{align-self:flex-end;background:var(--out)}
.bubble .meta{font-size:.75rem;color:var(--muted);margin-top:.25rem}
.bubble .subject{font-weight:600}
.slide{margin:.35rem 0}
.slide img,.slide video{display:block;max-width:100%;height:auto;border-radius:.5rem}
.slide audio{width:100%}
.attachment{display:inline-block;margin:.2rem 0;font-size:.9rem}
.pager{margin:.75rem 0;text-align:center}
table{border-collapse:collapse;width:100%;background:#fff;font-size:.9rem}
th,td{border-bottom:1px solid var(--line);padding:.35rem .45rem;text-align:left;vertical-align:top;overflow-wrap:anywhere}
.scroll{overflow-x:auto}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.25rem .75rem;margin:0}
dl.facts dt{color:var(--muted)}
dl.facts dd{margin:0;overflow-wrap:anywhere}
.card{background:#fff;border:1px solid var(--line);border-radius:.5rem;padding:.75rem;margin-bottom:.75rem}
.chart{width:100%;height:auto;background:#fff}
.chart .line{fill:none;stroke:var(--accent);stroke-width:2}
.chart .grid{stroke:var(--line);stroke-width:1}
.chart text{font-size:11px;fill:var(--muted)}
.inline{display:inline}
form.stack{display:flex;flex-direction:column;gap:.6rem}
form.stack label{display:flex;flex-direction:column;gap:.2rem}
.estimate{font-size:.9rem}
.estimate.over{color:var(--bad);font-weight:600}
.flash{padding:.5rem .75rem;border-radius:.4rem;background:#e8f4ea;border:1px solid #b7dcc0;margin-bottom:.75rem}
.flash.bad{background:#fbeaea;border-color:#efc0bd}
.live{font-size:.75rem;color:var(--muted)}
pre{white-space:pre-wrap;overflow-wrap:anywhere;background:#fff;border:1px solid var(--line);padding:.5rem;font-size:.8rem}
@media (max-width:30rem){main{padding:.5rem}.bubble{max-width:95%}}
`;

const JS = `'use strict';
(function () {
  var body = document.body;
  var live = body.getAttribute('data-live');
  function fetchHtml(url) {
    return fetch(url, { credentials: 'same-origin', headers: { 'Accept': 'text/html' } }).then(function (r) {
      if (!r.ok) throw new Error('HTTP ' + r.status);
      return r.text();
    });
  }
  function fromHtml(text) {
    var t = document.createElement('template');
    t.innerHTML = text;
    return t.content;
  }
  function upsertMessage(id) {
    return fetchHtml('/m/' + id + '/bubble').then(function (text) {
      var list = document.getElementById('messages');
      if (!list) return;
      var old = document.getElementById('msg-' + id);
      var frag = fromHtml(text);
      if (old) old.replaceWith(frag);
      else list.prepend(frag);
    });
  }
  function refreshThreads() {
    var list = document.getElementById('threads');
    if (!list) return;
    fetchHtml('/threads-fragment').then(function (text) {
      list.replaceChildren(fromHtml(text));
    });
  }
  if (live && window.EventSource) {
    var status = document.getElementById('live-status');
    var es = new EventSource('/events');
    es.onopen = function () { if (status) status.textContent = 'live'; };
    es.onerror = function () { if (status) status.textContent = 'reconnecting…'; };
    function onMessage(ev) {
      var d = JSON.parse(ev.data);
      if (live === 'threads') refreshThreads();
      else if (live === 'thread:' + d.thread) upsertMessage(d.id);
      else if (live === 'message:' + d.id) { if (status) status.textContent = 'changed: ' + d.state + ' (reload for details)'; }
    }
    es.addEventListener('message', onMessage);
    es.addEventListener('state', onMessage);
    es.addEventListener('modem', function (ev) {
      var d = JSON.parse(ev.data);
      var el = document.getElementById('modem-live');
      if (el) el.textContent = d.state + ', ' + d.registration + (d.signal === null ? '' : ', ' + d.signal + ' dBm');
    });
  }
  // Compose: live size estimate against the carrier limit.
  var form = document.getElementById('compose');
  if (form) {
    var limit = Number(form.getAttribute('data-limit'));
    var maxSms = Number(form.getAttribute('data-max-sms'));
    var out = document.getElementById('estimate');
    var text = form.querySelector('textarea[name=text]');
    var files = form.querySelector('input[type=file]');
    var to = form.querySelector('input[name=to]');
    var gsm = /^[@£$¥èéùìòÇ\\nØø\\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !"#¤%&'()*+,\\-.\\/0-9:;<=>?¡A-ZÄÖÑÜ§¿a-zäöñüà^{}\\\\\\[~\\]|€]*$/;
    function update() {
      var t = text.value;
      var bytes = new TextEncoder().encode(t).length;
      var media = 0, images = 0, n = 0;
      for (var i = 0; i < files.files.length; i++) {
        var f = files.files[i]; n++; media += f.size; if (/^image\\//.test(f.type)) images += f.size;
      }
      var recipients = to.value.split(/[,;\\s]+/).filter(Boolean).length;
      var seven = gsm.test(t);
      var per = seven ? (t.length > 160 ? 153 : 160) : (t.length > 70 ? 67 : 70);
      var segments = t.length === 0 ? 0 : Math.ceil(t.length / per);
      var sms = n === 0 && recipients <= 1 && segments <= maxSms;
      var msg;
      if (sms) {
        msg = 'SMS: ' + t.length + ' characters, ' + segments + ' part' + (segments === 1 ? '' : 's') + (seven ? ' (GSM 7-bit)' : ' (Unicode)');
        out.className = 'estimate';
      } else {
        var total = 600 + 40 * recipients + 120 * (n + 2) + bytes + media;
        msg = 'MMS: about ' + Math.ceil(total / 1024) + ' KB of ' + Math.floor(limit / 1024) + ' KB';
        if (total > limit) msg += images > 0 && total - images < limit ? ' — pictures will be scaled down to fit' : ' — too large for the carrier';
        out.className = 'estimate' + (total > limit && !(images > 0 && total - images < limit) ? ' over' : '');
      }
      out.textContent = msg;
    }
    text.addEventListener('input', update);
    files.addEventListener('change', update);
    to.addEventListener('input', update);
    update();
  }
})();
`;

export interface Asset {
  readonly type: string;
  readonly body: string;
  readonly etag: string;
}

function asset(type: string, body: string): Asset {
  return { type, body, etag: `"${createHash('sha256').update(body).digest('base64url').slice(0, 22)}"` };
}

export const ASSETS: Readonly<Record<string, Asset>> = {
  'app.css': asset('text/css; charset=utf-8', CSS),
  'app.js': asset('text/javascript; charset=utf-8', JS),
};
