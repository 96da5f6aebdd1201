// The similarity view (see ../similarity.ts). Its own scope and helpers: on
// the class page it runs beside the matrix script, on its own page alone.
// Student code and names are set with textContent only.
(function () {
  'use strict';
  var dataBlock = document.getElementById('similarity-data');
  var root = document.getElementById('similarity-root');
  if (!dataBlock || !root) return;
  var report = JSON.parse(dataBlock.textContent);
  var SHOWN = 500;
  var threshold = report.threshold;
  var subs = {};
  report.submissions.forEach(function (s) { subs[s.name] = s; });

  function make(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function percent(x) { return Math.round(x * 100) + '\u202f%'; }
  function flagged(p) { return p.suspicion >= threshold || (p.behaviour && p.behaviour.score >= 0.5); }

  /** The matrix row of a submission, on the class page. */
  function matrixRow(name) {
    var buttons = document.querySelectorAll('.mbody .mrow button.who');
    for (var i = 0; i < buttons.length; i++) if (buttons[i].textContent === name) return buttons[i];
    return null;
  }
  function nameCell(name) {
    var td = make('td', 'who');
    var who = matrixRow(name);
    if (!who) { td.textContent = name; return td; }
    var a = make('a', 'to-row', name);
    a.href = '#matrix';
    a.title = 'Show ' + name + ' in the results matrix';
    a.addEventListener('click', function (event) {
      event.preventDefault();
      var row = who.closest('.mrow');
      row.hidden = false;
      row.scrollIntoView({ block: 'center' });
      row.classList.add('row-flash');
      who.focus();
      setTimeout(function () { row.classList.remove('row-flash'); }, 2500);
    });
    td.appendChild(a);
    return td;
  }

  // ---- Controls ----
  var controls = make('div', 'sim-controls');
  var label = make('label', null, 'Threshold');
  label.htmlFor = 'sim-threshold';
  var range = make('input');
  range.type = 'range';
  range.id = 'sim-threshold';
  range.min = '0';
  range.max = '1';
  range.step = '0.01';
  range.value = String(threshold);
  var shownOut = make('output', 'sim-count');
  shownOut.setAttribute('aria-live', 'polite');
  controls.appendChild(label);
  controls.appendChild(range);
  controls.appendChild(shownOut);
  controls.appendChild(make('span', 'note', report.pairsSharing + ' of ' + report.pairsCompared + ' pairs share any code; k-grams of ' + report.options.kgram + ' tokens, window ' + report.options.window + '.'));
  root.appendChild(controls);

  var table = make('table', 'sim-pairs');
  var head = make('tr');
  ['#', 'a', 'b', 'similarity', 'longest', 'suspicion', 'behaviour', ''].forEach(function (h) { head.appendChild(make('th', null, h)); });
  var thead = make('thead');
  thead.appendChild(head);
  table.appendChild(thead);
  var tbody = make('tbody');
  table.appendChild(tbody);
  root.appendChild(table);

  var clusterTitle = make('h3', null, 'Clusters');
  var clusterList = make('ul', 'sim-clusters');
  root.appendChild(clusterTitle);
  root.appendChild(clusterList);

  var problems = report.submissions.filter(function (s) { return s.status !== 'ok'; });
  if (problems.length > 0) {
    root.appendChild(make('h3', null, 'Not fully compared'));
    var plist = make('ul', 'sim-problems');
    problems.forEach(function (s) {
      plist.appendChild(make('li', null, s.name + ': ' + (s.status === 'empty' ? 'no .ts file, not compared' : 'syntax errors, compared as far as parsed \u2014 ' + s.errors.join('; '))));
    });
    root.appendChild(plist);
  }

  var view = make('div', 'sim-view');
  view.id = 'sim-view';
  view.hidden = true;
  root.appendChild(view);

  function renderPairs() {
    tbody.textContent = '';
    var shown = report.pairs.filter(flagged);
    shown.slice(0, SHOWN).forEach(function (p, i) {
      var tr = make('tr', p.suspicion >= 0.5 ? 'hot' : null);
      tr.appendChild(make('td', 'num', i + 1));
      tr.appendChild(nameCell(p.a));
      tr.appendChild(nameCell(p.b));
      tr.appendChild(make('td', 'num', percent(p.similarity)));
      tr.appendChild(make('td', 'num', p.longest));
      var meterCell = make('td');
      var meter = make('span', 'sim-meter');
      var fill = make('span');
      fill.style.width = Math.round(p.suspicion * 100) + '%';
      meter.appendChild(fill);
      meterCell.appendChild(meter);
      meterCell.appendChild(document.createTextNode(percent(p.suspicion)));
      tr.appendChild(meterCell);
      tr.appendChild(make('td', null, p.behaviour ? p.behaviour.tests.length + ' same wrong answer' + (p.behaviour.tests.length === 1 ? '' : 's') : ''));
      var act = make('td');
      var btn = make('button', 'compare', 'Compare');
      btn.type = 'button';
      btn.addEventListener('click', function () { openView(p); });
      act.appendChild(btn);
      tr.appendChild(act);
      tbody.appendChild(tr);
    });
    shownOut.textContent = shown.length + ' pair' + (shown.length === 1 ? '' : 's') + ' at or above ' + percent(threshold) + (shown.length > SHOWN ? ' (first ' + SHOWN + ' listed)' : '');
    renderClusters();
  }

  function renderClusters() {
    var parent = {};
    function find(x) { while (parent[x] !== x) x = parent[x]; return x; }
    report.pairs.forEach(function (p) {
      if (p.suspicion < threshold) return;
      [p.a, p.b].forEach(function (n) { if (!(n in parent)) parent[n] = n; });
      var ra = find(p.a), rb = find(p.b);
      if (ra !== rb) { if (ra < rb) parent[rb] = ra; else parent[ra] = rb; }
    });
    var groups = {};
    Object.keys(parent).forEach(function (n) { var r = find(n); (groups[r] = groups[r] || []).push(n); });
    var list = Object.keys(groups).map(function (r) { return groups[r].sort(); });
    list.sort(function (x, y) { return y.length - x.length || (x[0] < y[0] ? -1 : 1); });
    clusterList.textContent = '';
    if (list.length === 0) clusterList.appendChild(make('li', null, 'none at this threshold'));
    list.forEach(function (g) { clusterList.appendChild(make('li', 'cluster', g.length + ': ' + g.join(', '))); });
  }

  /** One side of the comparison: every file, numbered lines, shared lines marked with their fragments. */
  function side(name, ranges) {
    var box = make('div', 'sim-side');
    box.appendChild(make('h4', null, name));
    var pre = make('pre', 'sim-code');
    var sub = subs[name];
    var lines = {};
    (sub ? sub.files : []).forEach(function (f) {
      if (sub.files.length > 1) pre.appendChild(make('span', 'file', f.path));
      f.text.split('\n').forEach(function (text, i) {
        var line = make('span', 'ln', text);
        line.dataset.n = String(i + 1);
        pre.appendChild(line);
        lines[f.path + ':' + (i + 1)] = line;
      });
    });
    ranges.forEach(function (frag, k) {
      frag.forEach(function (r) {
        for (var n = r.from; n <= r.to; n++) {
          var line = lines[r.file + ':' + n];
          if (!line) continue;
          line.classList.add('shared');
          line.dataset.frag = String(k);
          line.title = 'Shared fragment ' + (k + 1) + ' (click to show it on both sides)';
        }
      });
    });
    box.appendChild(pre);
    return { box: box, lines: lines };
  }

  function openView(p) {
    view.textContent = '';
    view.hidden = false;
    view.appendChild(make('h3', null, p.a + ' \u2194 ' + p.b + ': similarity ' + percent(p.similarity) + ', longest fragment ' + p.longest + ' tokens'));
    if (p.behaviour) {
      var ul = make('ul', 'sim-behaviour');
      p.behaviour.tests.forEach(function (t) { ul.appendChild(make('li', null, t.id + ' \u2014 both answered ' + t.answer + ' (' + t.failedBy + ' submissions answered so)')); });
      view.appendChild(make('p', null, 'Same wrong answers, rare in the class:'));
      view.appendChild(ul);
    }
    var frags = make('ol', 'sim-frags');
    var left = side(p.a, p.fragments.map(function (f) { return f.a; }));
    var right = side(p.b, p.fragments.map(function (f) { return f.b; }));
    function show(k) {
      [left, right].forEach(function (s, sideIndex) {
        var first = null;
        Object.keys(s.lines).forEach(function (key) {
          var line = s.lines[key];
          var on = line.dataset.frag === String(k);
          line.classList.toggle('current', on);
          if (on && !first) first = line;
        });
        if (first) first.parentNode.parentNode.scrollTop = first.offsetTop - 40;
        void sideIndex;
      });
    }
    p.fragments.forEach(function (f, k) {
      var li = make('li');
      var where = function (rs) { return rs.map(function (r) { return r.file + ':' + r.from + (r.to > r.from ? '\u2013' + r.to : ''); }).join(', '); };
      var b = make('button', 'frag', (k + 1) + ': ' + f.tokens + ' tokens \u2014 ' + where(f.a) + ' \u2194 ' + where(f.b));
      b.type = 'button';
      b.addEventListener('click', function () { show(k); });
      li.appendChild(b);
      frags.appendChild(li);
    });
    if (p.fragments.length === 0) frags.appendChild(make('li', null, 'no shared fragment (behaviour only)'));
    view.appendChild(frags);
    var sides = make('div', 'sim-sides');
    sides.appendChild(left.box);
    sides.appendChild(right.box);
    [left, right].forEach(function (s) {
      s.box.addEventListener('click', function (event) {
        var line = event.target.closest('.ln.shared');
        if (line) show(Number(line.dataset.frag));
      });
    });
    view.appendChild(sides);
    if (p.fragments.length > 0) show(0);
    view.scrollIntoView({ block: 'start' });
  }

  range.addEventListener('input', function () {
    threshold = Number(range.value);
    renderPairs();
  });
  renderPairs();
})();
