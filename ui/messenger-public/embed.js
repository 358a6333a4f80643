// Teammate Inbox Messenger: the one-script-tag embed (docs/messenger.md).
//
//   <script>window.teammateInbox = { email, user_id, name, user_hash };</script>
//   <script src="https://support.example.com/messenger/embed.js" data-brand="BRAND_ID" async></script>
//
// Adds one iframe in the page's bottom-right corner (the launcher, then the panel), sizes it when
// the Messenger asks (`{source: "teammate-inbox", type: "resize", open}`, only from the iframe's
// origin), and passes the page's identity to it (`{source, type: "identify", ...}`) when it loads
// and whenever `window.teammateInbox.update({...})` changes it.
(function () {
  'use strict';

  var SOURCE = 'teammate-inbox';
  /** @type {any} */
  var w = window;
  if (w.__teammateInboxMessenger) return; // the tag is on the page twice
  w.__teammateInboxMessenger = true;

  /** @type {HTMLScriptElement | null} */
  var script =
    /** @type {HTMLScriptElement | null} */ (document.currentScript) ||
    document.querySelector('script[src*="/messenger/embed.js"]');
  if (!script) return;
  var scriptUrl = new URL(script.src, location.href);
  var origin = scriptUrl.origin;
  var base = scriptUrl.pathname.replace(/\/embed\.js$/, '');
  var brand = script.getAttribute('data-brand') || '';

  /** @param {unknown} v @returns {string | undefined} */
  function text(v) {
    if (typeof v === 'string' && v.trim() !== '') return v.trim();
    if (typeof v === 'number' && isFinite(v)) return String(v);
    return undefined;
  }

  /** The identify message for the current `window.teammateInbox`, or null without one. */
  function identityMessage() {
    var u = w.teammateInbox;
    if (!u || typeof u !== 'object') return null;
    var message = {
      source: SOURCE,
      type: 'identify',
      user_id: text(u.user_id),
      email: text(u.email),
      name: text(u.name),
      user_hash: text(u.user_hash),
    };
    if (!message.user_hash || (!message.user_id && !message.email)) return null;
    return message;
  }

  var url = new URL(base || '/messenger', origin);
  url.searchParams.set('embed', '1');
  if (brand) url.searchParams.set('brand', brand);
  if (identityMessage()) url.searchParams.set('identity', '1');

  var iframe = document.createElement('iframe');
  iframe.src = url.toString();
  iframe.title = 'Messenger';
  iframe.setAttribute('allowtransparency', 'true');
  var open = false;

  /** @param {Record<string, string>} css */
  function style(css) {
    for (var k in css) iframe.style.setProperty(k, css[k], 'important');
  }

  style({
    position: 'fixed',
    border: '0',
    margin: '0',
    padding: '0',
    background: 'transparent',
    'color-scheme': 'light',
    'z-index': '2147483000',
    'max-width': '100vw',
    'max-height': '100vh',
  });

  function size() {
    var narrow = window.innerWidth < 440; // a phone: the panel takes the whole screen
    if (open && narrow) {
      style({ top: '0', left: '0', right: '0', bottom: '0', width: '100%', height: '100%' });
    } else if (open) {
      style({
        top: 'auto',
        left: 'auto',
        right: '8px',
        bottom: '8px',
        width: '420px',
        height: Math.min(660, window.innerHeight - 16) + 'px',
      });
    } else {
      style({ top: 'auto', left: 'auto', right: '8px', bottom: '8px', width: '80px', height: '80px' });
    }
  }
  size();

  // Whether an identity was passed: when the page then has none (its user signed out), the
  // Messenger signs that user out too.
  var identified = false;

  function sendIdentity() {
    var message = identityMessage();
    if (!iframe.contentWindow) return;
    if (message) {
      identified = true;
      iframe.contentWindow.postMessage(message, origin);
    } else if (identified) {
      identified = false;
      iframe.contentWindow.postMessage({ source: SOURCE, type: 'signout' }, origin);
    }
  }

  window.addEventListener('message', function (e) {
    if (e.origin !== origin || e.source !== iframe.contentWindow) return;
    var data = e.data;
    if (!data || typeof data !== 'object' || data.source !== SOURCE) return;
    if (data.type === 'resize') {
      open = Boolean(data.open);
      size();
    } else if (data.type === 'ready') {
      sendIdentity();
    }
  });
  window.addEventListener('resize', size);
  iframe.addEventListener('load', sendIdentity);

  // `window.teammateInbox.update({email, user_id, name, user_hash})`: a sign-in (or out) on the
  // page after the Messenger loaded.
  var settings = w.teammateInbox && typeof w.teammateInbox === 'object' ? w.teammateInbox : {};
  /** @param {Record<string, unknown>} fields */
  settings.update = function (fields) {
    for (var k in fields) if (k !== 'update') settings[k] = fields[k];
    sendIdentity();
  };
  w.teammateInbox = settings;

  function mount() {
    document.body.appendChild(iframe);
  }
  if (document.body) mount();
  else document.addEventListener('DOMContentLoaded', mount);
})();
