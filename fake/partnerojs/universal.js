/*
 * partnero-fake's PartneroJS (universal.js): a stand-in for Partnero's
 * script for offline development and tests. It speaks the snippet's queue
 * protocol and calls the fake's browser endpoints (/partnerojs/v1/...),
 * which take the program's public id, never an API key.
 *
 * Commands:
 *   po('settings', 'assets_host', url)   accepted (the fake has no assets)
 *   po('settings', 'api_host', url)      where the endpoints are; default:
 *                                        the origin this script came from
 *   po('program', PUBLIC_ID, 'load')     track a referral visit: a valid
 *                                        referral key in the URL sets the
 *                                        partnero_referral cookie
 *   po('createCustomer', {email, name, key})
 *   po('renderReferralWidget', {container, customer_key, theme, show_stats})
 *
 * Commands run one after another, in call order. Once the script has
 * loaded, po(...) returns a Promise of the command's result.
 */
(function (w, d) {
  'use strict';

  var COOKIE = 'partnero_referral';
  var name = w.__partnerObject || 'po';
  var stub = w[name];
  var queue = (stub && stub.q) || [];
  if (queue.__partneroFake) {
    return; // loaded twice
  }

  var self = d.currentScript || findScript();
  var state = {
    apiHost: self ? new URL(self.src, d.baseURI).origin : '',
    assetsHost: '',
    program: ''
  };
  var chain = Promise.resolve();

  function findScript() {
    var all = d.getElementsByTagName('script');
    for (var i = 0; i < all.length; i++) {
      if (/\/js\/universal\.js(\?|$)/.test(all[i].src)) {
        return all[i];
      }
    }
    return null;
  }

  function ignore() {}

  function warn(msg) {
    if (w.console) {
      w.console.warn('[PartneroJS fake] ' + msg);
    }
  }

  // enqueue runs one queued call ({a: arguments, q: sub-calls}) after the
  // calls before it and returns a Promise of its result.
  function enqueue(call) {
    var args = Array.prototype.slice.call(call.a || []);
    var done = chain.then(function () { return run(args); });
    chain = done.then(null, function (err) { warn(String(err && err.message || err)); });
    var subs = call.q || [];
    for (var i = 0; i < subs.length; i++) {
      enqueue(subs[i]).then(null, ignore); // nobody holds these promises
    }
    subs.length = 0;
    subs.push = function (c) { return enqueue(c); };
    return done;
  }

  function run(args) {
    switch (args[0]) {
      case 'settings':
        return settings(args[1], args[2]);
      case 'program':
        state.program = String(args[1] || '');
        if (args[2] === 'load') {
          return load();
        }
        if (args[2] !== undefined) {
          throw new Error('unknown program action ' + args[2]);
        }
        return state.program;
      case 'createCustomer':
        return createCustomer(args[1] || {});
      case 'renderReferralWidget':
        return renderWidget(args[1] || {});
      default:
        throw new Error('unknown command ' + args[0]);
    }
  }

  function settings(key, value) {
    if (key === 'assets_host') {
      state.assetsHost = String(value || '');
    } else if (key === 'api_host') {
      state.apiHost = String(value || '').replace(/\/+$/, '');
    } else {
      throw new Error('unknown setting ' + key);
    }
  }

  function endpoint(path) {
    if (!state.program) {
      throw new Error("no program: call po('program', PUBLIC_ID, 'load') first");
    }
    return state.apiHost + '/partnerojs/v1/programs/' + encodeURIComponent(state.program) + path;
  }

  // call sends a request to the fake and resolves with the response's data;
  // an error response rejects with its message (and status).
  function call(method, path, body) {
    var init = { method: method, headers: {}, credentials: 'omit' };
    if (body !== undefined) {
      init.headers['Content-Type'] = 'application/json';
      init.body = JSON.stringify(body);
    }
    return fetch(endpoint(path), init).then(function (resp) {
      return resp.json().then(function (doc) {
        if (!resp.ok) {
          var err = new Error(doc.message || ('HTTP ' + resp.status));
          err.status = resp.status;
          err.errors = doc.errors;
          throw err;
        }
        return doc.data;
      });
    });
  }

  function readCookie() {
    var parts = d.cookie ? d.cookie.split('; ') : [];
    for (var i = 0; i < parts.length; i++) {
      var eq = parts[i].indexOf('=');
      if (parts[i].slice(0, eq) === COOKIE) {
        return decodeURIComponent(parts[i].slice(eq + 1));
      }
    }
    return '';
  }

  // load reports the visit; the fake reads the referral key from the URL as
  // the program defines it, counts the click and says which cookie to set.
  function load() {
    return call('POST', '/visits', { url: w.location.href }).then(function (data) {
      var c = data.cookie;
      if (c) {
        d.cookie = c.name + '=' + encodeURIComponent(c.value) + '; path=' + c.path +
          '; max-age=' + c.max_age + '; SameSite=' + c.same_site;
      }
      return data;
    }, function (err) {
      if (err.status === 404) {
        warn(err.message); // an unknown referral key: nothing is set
        return { referral_key: null, cookie: null };
      }
      throw err;
    });
  }

  function createCustomer(opts) {
    var body = {};
    ['email', 'name', 'key'].forEach(function (k) {
      if (opts[k] !== undefined && opts[k] !== null && opts[k] !== '') {
        body[k] = String(opts[k]);
      }
    });
    var ref = readCookie();
    if (ref) {
      body.referral_key = ref;
    }
    return call('POST', '/customers', body);
  }

  function el(tag, cls, text, style) {
    var e = d.createElement(tag);
    if (cls) {
      e.className = cls;
    }
    if (text !== undefined) {
      e.textContent = text;
    }
    if (style) {
      e.setAttribute('style', style);
    }
    return e;
  }

  function renderWidget(opts) {
    var box = typeof opts.container === 'string' ? d.querySelector(opts.container) : opts.container;
    if (!box) {
      throw new Error('renderReferralWidget: no container ' + opts.container);
    }
    if (!opts.customer_key) {
      throw new Error('renderReferralWidget: customer_key is required');
    }
    var dark = opts.theme === 'dark';
    return call('GET', '/customers/' + encodeURIComponent(opts.customer_key) + '/widget').then(function (data) {
      var fg = dark ? '#f5f5f5' : '#1a1a1a';
      var bg = dark ? '#1f2430' : '#ffffff';
      var root = el('div', 'po-widget po-theme-' + (dark ? 'dark' : 'light'), undefined,
        'font-family:sans-serif;padding:12px;border:1px solid #ccc;border-radius:8px;color:' + fg + ';background:' + bg);
      root.setAttribute('data-partnero-widget', data.customer_key);
      root.appendChild(el('div', 'po-title', 'Invite friends to ' + data.program_name, 'font-weight:bold;margin-bottom:8px'));
      var row = el('div', 'po-row', undefined, 'display:flex;gap:6px');
      var input = el('input', 'po-link', undefined, 'flex:1');
      input.type = 'text';
      input.readOnly = true;
      input.value = data.referral_link;
      var button = el('button', 'po-copy', 'Copy');
      button.type = 'button';
      button.addEventListener('click', function () { copy(input, button); });
      row.appendChild(input);
      row.appendChild(button);
      root.appendChild(row);
      if (opts.show_stats) {
        var s = data.stats;
        var list = el('dl', 'po-stats', undefined, 'display:grid;grid-template-columns:auto auto;gap:2px 12px;margin:8px 0 0');
        [['clicks', 'Clicks', s.clicks], ['referrals', 'Sign-ups', s.referrals],
          ['successful', 'Successful', s.successful_referrals], ['rewards', 'Rewards', s.rewards_text]
        ].forEach(function (r) {
          list.appendChild(el('dt', '', r[1]));
          list.appendChild(el('dd', 'po-stat-' + r[0], String(r[2]), 'margin:0'));
        });
        root.appendChild(list);
      }
      box.replaceChildren(root);
      return data;
    });
  }

  function copy(input, button) {
    function done(ok) { button.textContent = ok ? 'Copied!' : 'Copy failed'; }
    function fallback() {
      input.focus();
      input.select();
      var ok = false;
      try {
        ok = d.execCommand('copy');
      } catch (e) {
        ok = false;
      }
      done(ok);
    }
    if (w.navigator.clipboard && w.isSecureContext) {
      w.navigator.clipboard.writeText(input.value).then(function () { done(true); }, fallback);
    } else {
      fallback();
    }
  }

  // Take over the queue: calls made before the script loaded run now, in
  // order; later calls reach enqueue through the stub, which calls
  // queue.push and hands its (non-number) result back to the caller.
  var pending = queue.splice(0, queue.length);
  queue.__partneroFake = true;
  queue.push = function (c) { return enqueue(c); };
  if (!stub) {
    w[name] = function () { return enqueue({ a: arguments, q: [] }); };
    w[name].q = queue;
  }
  for (var i = 0; i < pending.length; i++) {
    enqueue(pending[i]).then(null, ignore); // failures are warned about
  }
})(window, document);
