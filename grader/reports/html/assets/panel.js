// ---- Detail panel: one test on one server, or one submission ----------------
// Built on demand from that submission's JSON block, parsed on first use.

var dialog = document.getElementById('detail');
var dTitle = document.getElementById('detail-title');
var dSub = document.getElementById('detail-subtitle');
var dBody = document.getElementById('detail-body');
var opener = null;
var detailCache = {};

function details(r) {
  if (!(r in detailCache)) detailCache[r] = JSON.parse(document.getElementById('d-' + r).textContent);
  return detailCache[r];
}
function section(title) {
  var s = el('section', 'panel-section');
  s.appendChild(el('h3', null, title));
  dBody.appendChild(s);
  return s;
}
function defList(parent, pairs) {
  var dl = el('dl', 'kv');
  pairs.forEach(function (p) {
    if (p[1] === undefined || p[1] === null || p[1] === '') return;
    dl.appendChild(el('dt', null, p[0]));
    var dd = el('dd', p[2] || null);
    if (p[1] instanceof Node) dd.appendChild(p[1]); else setVisibleText(dd, p[1]);
    dl.appendChild(dd);
  });
  parent.appendChild(dl);
  return dl;
}
function pre(text, cls) { return setVisibleText(el('pre', cls || 'code'), text); }
function headerLines(headers) {
  return headers.map(function (h) { return h[0] + ': ' + h[1]; }).join('\n');
}
/** Opens the panel, remembering what to focus again when it closes (Escape). */
function showPanel(from) {
  if (!dialog.open) {
    opener = from;
    dialog.showModal();
  }
  dialog.scrollTop = 0;
  dialog.querySelector('.close').focus();
}

function openCell(r, j, s) {
  renderCell(r, j, s);
  showPanel(rowEls[r].querySelector('button.sub[data-k="' + (j * S + s) + '"]'));
}

function renderCell(r, j, s) {
  var row = rows[r];
  var test = tests[j];
  var result = details(r).tests[j];
  var outcome = result && result.outcomes[servers[s]];
  dBody.textContent = '';
  dTitle.textContent = test.id;
  dSub.textContent = test.title;

  // Switch between this test's servers without leaving the panel.
  var nav = el('div', 'server-switch');
  nav.setAttribute('role', 'group');
  nav.setAttribute('aria-label', 'Server');
  servers.forEach(function (name, i) {
    var o = result && result.outcomes[name];
    if (!o) return;
    var st = STATE_OF[o.status];
    var btn = el('button', 'switch ' + st, name + ' ' + SYMBOL[st]);
    btn.type = 'button';
    btn.setAttribute('aria-pressed', String(i === s));
    btn.setAttribute('aria-label', name + ': ' + o.status);
    btn.addEventListener('click', function () { openCell(r, j, i); dialog.querySelector('.switch[aria-pressed="true"]').focus(); });
    nav.appendChild(btn);
  });
  dBody.appendChild(nav);

  var meta = section('Test');
  var status = outcome ? el('span', 'state ' + STATE_OF[outcome.status], SYMBOL[STATE_OF[outcome.status]] + ' ' + outcome.status) : 'not run';
  defList(meta, [
    ['Submission', row.name],
    ['Server', servers[s]],
    ['Result', status],
    ['Score', outcome ? fmtNum(outcome.score) + ' / ' + fmtNum(outcome.maxScore) : undefined],
    ['Tier', TIER_TEXT[test.tier] || test.tier],
    ['Rule', test.rule],
    ['Richardson', test.richardson ? 'evidence for level ' + test.richardson : undefined],
    ['Visibility', test.hidden ? 'hidden test' : undefined],
    // The run's --seed reproduces a property test (its own seed is derived from it and the test id).
    ['Seed', result && result.seed !== undefined ? 'reproduce with: npm run grade -- --seed ' + model.runSeed : undefined],
    ['Duration', outcome ? Math.round(outcome.durationMs) + ' ms' : undefined],
  ]);
  if (!outcome) return;

  if (outcome.failure) {
    var f = outcome.failure;
    var fs = section('Failure');
    fs.classList.add('failure');
    fs.appendChild(setVisibleText(el('p', 'message'), f.message));
    defList(fs, [
      ['Expected', f.expected, 'mono'],
      ['Actual', f.actual, 'mono'],
      ['Why', f.why],
      ['Hint', f.hint],
      ['Violation', f.violation ? f.violation.code + ' (' + f.violation.section + ')' : undefined, 'mono'],
      ['Fix', f.violation ? f.violation.fix : undefined],
    ]);
  }

  if (result.portability) {
    var p = result.portability;
    var ps = section('Portability');
    ps.appendChild(el('p', null, '\u21c4 Passes on ' + p.passedOn + ', fails on ' + p.failedOn + '.'));
    if (p.environDiff.length > 0) {
      var t = el('table', 'environ-diff');
      var cap = el('caption', null, 'environ values that differed');
      t.appendChild(cap);
      var hr = el('tr');
      ['key'].concat(servers).forEach(function (h) { var th = el('th', null, h); th.scope = 'col'; hr.appendChild(th); });
      t.appendChild(el('thead')).appendChild(hr);
      var tb = el('tbody');
      p.environDiff.forEach(function (d) {
        var tr = el('tr');
        tr.appendChild(el('th', 'mono', d.key)).scope = 'row';
        servers.forEach(function (name) {
          var v = d[name];
          tr.appendChild(v === undefined ? el('td', 'absent', '(absent)') : el('td', 'mono', v === '' ? '""' : v));
        });
        tb.appendChild(tr);
      });
      t.appendChild(tb);
      ps.appendChild(t);
    }
  }

  var ts = section('Transcript (' + outcome.transcript.length + (outcome.transcript.length === 1 ? ' request)' : ' requests)'));
  if (outcome.transcript.length === 0) ts.appendChild(el('p', 'muted', 'No request was sent.'));
  var ol = el('ol', 'transcript');
  outcome.transcript.forEach(function (x, i) {
    var li = el('li', 'exchange');
    li.appendChild(el('h4', null, 'Request ' + (i + 1) + ' \u00b7 ' + x.request.method + ' ' + x.request.target + ' \u00b7 ' + Math.round(x.durationMs) + ' ms'));
    var req = x.request.method + ' ' + x.request.target + ' HTTP/1.1';
    if (x.request.headers.length > 0) req += '\n' + headerLines(x.request.headers);
    if (x.request.body !== undefined && x.request.body !== '') req += '\n\n' + x.request.body;
    li.appendChild(el('div', 'label', 'Request'));
    li.appendChild(pre(req, 'code request'));
    if (x.response) {
      var res = 'HTTP/1.1 ' + x.response.status + (x.response.reason ? ' ' + x.response.reason : '');
      if (x.response.headers.length > 0) res += '\n' + headerLines(x.response.headers);
      if (x.response.body !== '') res += '\n\n' + x.response.body;
      li.appendChild(el('div', 'label', 'Response'));
      li.appendChild(pre(res, 'code response'));
      if (x.response.bodyTruncated) li.appendChild(el('p', 'muted', 'Body truncated to an excerpt.'));
    } else {
      li.appendChild(el('p', 'no-response', 'No response.'));
    }
    if (x.error) li.appendChild(el('p', 'error', '\u26a0 ' + x.error));
    if (x.environ) {
      var keys = Object.keys(x.environ).sort();
      var det = el('details', 'environ');
      det.appendChild(el('summary', null, 'environ (' + keys.length + ' keys)'));
      det.appendChild(pre(keys.map(function (key) { return key + ' = ' + JSON.stringify(x.environ[key]); }).join('\n')));
      li.appendChild(det);
    }
    ol.appendChild(li);
  });
  ts.appendChild(ol);

  if (outcome.appOutput && outcome.appOutput.length > 0) {
    var ps = section('What the app printed during this test');
    ps.appendChild(pre(outcome.appOutput.map(function (o) {
      var tag = o.stream === 'stdout' ? '' : '[' + o.stream + '] ';
      return o.text.replace(/\r?\n$/, '').split(/\r?\n/).map(function (line) { return tag + line; }).join('\n');
    }).join('\n'), 'code printed'));
  }

  if (outcome.curl.length > 0) {
    var cs = section('Replay with curl (against npm run serve)');
    cs.appendChild(pre(outcome.curl.join('\n'), 'code curl'));
  }
}

function openSubmission(r) {
  var d = details(r);
  var row = rows[r];
  dBody.textContent = '';
  dTitle.textContent = d.name;
  dSub.textContent = d.path;
  var s = section('Result');
  defList(s, [
    ['Status', STATUS_TEXT[d.status] || d.status],
    ['Detail', d.statusDetail, 'mono'],
    ['Score', NOT_GRADED[row.status] ? 'none: not graded (not a problem in the submitted code)' : fmtNum(row.score) + ' / ' + fmtNum(row.maxScore) + ' (' + pct(share(row.score, row.maxScore)) + ')'],
    ['Richardson', 'level ' + row.richardson],
    ['Duration', (d.durationMs / 1000).toFixed(1) + ' s'],
  ]);
  var parts = [];
  TIER_ORDER.forEach(function (t) { if (d.tiers[t]) parts.push([TIER_TEXT[t], d.tiers[t]]); });
  servers.forEach(function (n) { if (d.servers[n]) parts.push(['on ' + n, d.servers[n]]); });
  if (parts.length > 0) {
    // Nothing to earn (every test skipped on this machine) is "not run", not 0 / 0.
    defList(section('Points'), parts.map(function (p) { return [p[0], p[1].max === 0 ? 'not run' : fmtNum(p[1].score) + ' / ' + fmtNum(p[1].max)]; }));
  }
  if (row.portability.length > 0) {
    var ps = section('Passes on one server only');
    var ul = el('ul', 'port-list');
    row.portability.forEach(function (id) {
      var j = tests.findIndex(function (t) { return t.id === id; });
      var res = d.tests[j];
      var failed = servers.findIndex(function (n) { return res && res.outcomes[n] && res.outcomes[n].status === 'failed'; });
      var li = el('li');
      var b = el('button', 'link', id);
      b.type = 'button';
      b.addEventListener('click', function () { openCell(r, j, Math.max(0, failed)); });
      li.appendChild(b);
      ul.appendChild(li);
    });
    ps.appendChild(ul);
  }
  var sb = section('Sandbox');
  defList(sb, [
    ['Enforced', d.sandbox.enforced.join(', ') || 'nothing'],
    ['Not enforced', d.sandbox.notEnforced.join(', ') || 'nothing'],
  ]);
  var out = section('Output (never read for results)');
  out.appendChild(el('div', 'label', 'stdout'));
  out.appendChild(pre(d.output.stdout || '(empty)'));
  out.appendChild(el('div', 'label', 'stderr'));
  out.appendChild(pre(d.output.stderr || '(empty)'));
  if (d.output.truncated) out.appendChild(el('p', 'muted', 'Output truncated; the JSON report keeps the first 64 KiB.'));
  showPanel(rowEls[r].querySelector('button.who'));
}

body.addEventListener('click', function (e) {
  var b = e.target.closest('button');
  if (!b) return;
  var r = Number(b.closest('.mrow').dataset.r);
  if (b.classList.contains('sub')) {
    setActive(b);
    var k = Number(b.dataset.k);
    openCell(r, (k / S) | 0, k % S);
  } else if (b.classList.contains('who')) {
    openSubmission(r);
  }
});
dialog.querySelector('.close').addEventListener('click', function () { dialog.close(); });
// A click on the backdrop (outside the panel box) closes it too.
dialog.addEventListener('click', function (e) { if (e.target === dialog) dialog.close(); });
dialog.addEventListener('close', function () {
  if (opener && opener.isConnected) opener.focus();
  opener = null;
});

document.documentElement.classList.add('ready');
applyFilter();
