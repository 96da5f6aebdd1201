// ---- Matrix: submissions × tests, one sub-cell per server -------------------
// Divs with table roles rather than a <table>: each row is a fixed-width flex
// line that the browser can skip laying out while off screen
// (content-visibility), which keeps 100 × 60 × 2 cells quick to sort.

var matrix = document.getElementById('matrix');
matrix.style.setProperty('--S', String(S));
var head = cell('rowgroup', 'mhead');
var body = cell('rowgroup', 'mbody');
var sortHeaders = {};

// Tier bands above the test headers; each test header also names its tier
// for screen readers, so this row is decoration.
var groupRow = el('div', 'mrow groups');
groupRow.setAttribute('aria-hidden', 'true');
groupRow.appendChild(el('div', 'mc-name'));
groupRow.appendChild(el('div', 'mc-rest'));
var tierHeaders = TIER_ORDER.map(function (tier) {
  var count = tests.filter(function (t) { return t.tier === tier; }).length;
  var div = el('div', 'tier tier-' + tier, TIER_SHORT[tier]);
  div.title = TIER_TEXT[tier];
  div.hidden = count === 0;
  groupRow.appendChild(div);
  return { tier: tier, div: div };
});
head.appendChild(groupRow);

var testRow = cell('row', 'mrow tests');
function fixedHeader(label, key, cls, abbrTitle) {
  var h = cell('columnheader', cls);
  var content = abbrTitle ? el('abbr', null, label) : document.createTextNode(label);
  if (abbrTitle) content.title = abbrTitle;
  if (key) {
    var b = el('button', 'sort');
    b.type = 'button';
    b.dataset.sort = key;
    b.appendChild(content);
    b.appendChild(el('span', 'arrow'));
    h.appendChild(b);
    sortHeaders[key] = h;
  } else {
    h.appendChild(content);
  }
  testRow.appendChild(h);
}
fixedHeader('Submission', 'name', 'mc-name');
fixedHeader('Status', null, 'mc-status');
fixedHeader('Score', 'score', 'mc-score');
fixedHeader('RMM', 'level', 'mc-level', 'Richardson maturity level reached (0\u20133)');
fixedHeader('\u21c4', 'port', 'mc-port', 'Portability: tests passing on one server only');
tests.forEach(function (t, j) {
  var h = cell('columnheader', 'mt test t' + j + (t.hidden ? ' hidden-test' : ''));
  var label = el('span', 'vert');
  var abbr = el('abbr', null, t.id);
  abbr.title = t.title + (t.hidden ? ' (hidden test)' : '') + '\n' + t.rule + '\n' + fmtNum(t.points) + ' pt';
  label.appendChild(abbr);
  if (t.hidden) label.appendChild(hiddenIcon());
  label.appendChild(el('span', 'sr-only', ' (' + TIER_TEXT[t.tier] + (t.hidden ? ', hidden test' : '') + ')'));
  h.appendChild(label);
  testRow.appendChild(h);
});
head.appendChild(testRow);

var rateRow = cell('row', 'mrow rates');
// The label stays in the sticky name column; the rest of the fixed columns
// scroll away like the cells beside them.
var rateLabel = cell('rowheader', 'mc-name rate-label', 'Pass rate %');
rateLabel.title = 'Share of server runs that passed, over the rows shown';
rateLabel.setAttribute('aria-colspan', '5');
rateRow.appendChild(rateLabel);
rateRow.appendChild(el('div', 'mc-rest'));
var rateCells = tests.map(function (t, j) {
  var c = cell('cell', 'mt rate t' + j);
  rateRow.appendChild(c);
  return c;
});
head.appendChild(rateRow);

// Templates cloned per sub-cell: cheaper than building 12 000 from scratch.
var templates = {};
['p', 'f', 's'].forEach(function (st) {
  var b = el('button', 'sub ' + st, SYMBOL[st]);
  b.type = 'button';
  b.tabIndex = -1;
  templates[st] = b;
});
templates['-'] = el('span', 'sub none', SYMBOL['-']);
var cellTemplate = cell('cell', 'mt cell');

var rowEls = rows.map(function (row, r) {
  var line = cell('row', 'mrow');
  line.dataset.r = r;
  var name = cell('rowheader', 'mc-name');
  var who = el('button', 'who', row.name);
  who.type = 'button';
  who.title = 'Details of ' + row.name;
  name.appendChild(who);
  if (row.status !== 'graded' && row.statusDetail) {
    var note = el('div', 'status-detail', row.statusDetail);
    note.title = row.statusDetail;
    name.appendChild(note);
  }
  line.appendChild(name);

  var st = cell('cell', 'mc-status');
  var badge = el('span', 'badge status-' + row.status, STATUS_TEXT[row.status] || row.status);
  if (row.statusDetail) badge.title = row.statusDetail;
  st.appendChild(badge);
  line.appendChild(st);

  var sc = cell('cell', 'mc-score');
  if (NOT_GRADED[row.status]) {
    sc.appendChild(el('span', 'score-text', '\u2013'));
    sc.title = 'Not graded: not a problem in the submitted code';
  } else {
    sc.appendChild(el('span', 'score-text', fmtNum(row.score) + '\u2009/\u2009' + fmtNum(row.maxScore)));
    var bar = el('span', 'score-bar');
    var fill = el('span', 'score-fill');
    fill.style.width = (share(row.score, row.maxScore) * 100).toFixed(1) + '%';
    bar.appendChild(fill);
    sc.appendChild(bar);
    sc.title = pct(share(row.score, row.maxScore)) + ' of the maximum';
  }
  line.appendChild(sc);

  var lv = cell('cell', 'mc-level', 'L' + row.richardson);
  lv.title = 'Richardson level ' + row.richardson;
  line.appendChild(lv);

  var n = row.portability.length;
  var pt = cell('cell', 'mc-port' + (n > 0 ? ' has' : ''), n > 0 ? '\u21c4\u2009' + n : '0');
  if (n > 0) pt.title = 'Pass on one server only:\n' + row.portability.join('\n');
  line.appendChild(pt);

  var cells = row.cells;
  for (var j = 0; j < tests.length; j++) {
    var c = cellTemplate.cloneNode(false);
    c.className = 'mt cell t' + j;
    for (var s = 0; s < S; s++) {
      var k = j * S + s;
      var state = cells.charAt(k) || '-';
      var sub = templates[state].cloneNode(true);
      var label = tests[j].id + ' on ' + servers[s] + ': ' + WORD[state];
      if (state !== '-') {
        sub.dataset.k = k;
        sub.setAttribute('aria-label', row.name + ' \u2014 ' + label);
      }
      sub.title = label;
      c.appendChild(sub);
    }
    line.appendChild(c);
  }
  return line;
});
var frag = document.createDocumentFragment();
rowEls.forEach(function (line) { frag.appendChild(line); });
body.appendChild(frag);
matrix.appendChild(head);
matrix.appendChild(body);

// One sub-cell of the matrix is in the tab order; arrow keys move from there.
var active = body.querySelector('button.sub');
if (active) active.tabIndex = 0;
function setActive(b) {
  if (active && active !== b) active.tabIndex = -1;
  active = b;
  if (b) b.tabIndex = 0;
}

// ---- Pass rates over the shown rows ----------------------------------------
function updateRates() {
  var passed = new Array(tests.length).fill(0);
  var ran = new Array(tests.length).fill(0);
  rowEls.forEach(function (line, r) {
    if (line.hidden) return;
    var cells = rows[r].cells;
    for (var k = 0; k < cells.length; k++) {
      var ch = cells.charCodeAt(k);
      if (ch === 112 /* p */) { passed[(k / S) | 0]++; ran[(k / S) | 0]++; }
      else if (ch === 102 /* f */) ran[(k / S) | 0]++;
    }
  });
  rateCells.forEach(function (c, j) {
    var rate = ran[j] === 0 ? 0 : passed[j] / ran[j];
    c.textContent = ran[j] === 0 ? '\u2013' : String(Math.round(rate * 100));
    // A bar behind the number fills with the rate (print drops it).
    var h = (rate * 100).toFixed(0) + '%';
    c.style.backgroundImage = 'linear-gradient(to top, var(--pass-bg) ' + h + ', transparent ' + h + ')';
    c.classList.toggle('hard', ran[j] > 0 && rate < 0.5);
    c.title = ran[j] === 0
      ? tests[j].id + ': no runs in the shown rows'
      : tests[j].id + ': ' + passed[j] + ' of ' + ran[j] + ' server runs passed (' + pct(rate) + ')';
  });
}

// ---- Sorting -----------------------------------------------------------------
var collator = new Intl.Collator(undefined, { numeric: true, sensitivity: 'base' });
var sortState = { key: null, dir: 1 };
var KEYS = {
  name: function (a, b) { return collator.compare(rows[a].name, rows[b].name); },
  score: function (a, b) {
    return share(rows[a].score, rows[a].maxScore) - share(rows[b].score, rows[b].maxScore) || rows[a].score - rows[b].score;
  },
  level: function (a, b) { return rows[a].richardson - rows[b].richardson; },
  port: function (a, b) { return rows[a].portability.length - rows[b].portability.length; },
};
// Numbers read best largest first; names A to Z.
var FIRST_DIR = { name: 1, score: -1, level: -1, port: -1 };

function sortBy(key) {
  var dir = sortState.key === key ? -sortState.dir : FIRST_DIR[key];
  sortState = { key: key, dir: dir };
  var order = rows.map(function (_, i) { return i; });
  order.sort(function (a, b) { return dir * KEYS[key](a, b) || KEYS.name(a, b) || a - b; });
  var f = document.createDocumentFragment();
  order.forEach(function (i) { f.appendChild(rowEls[i]); });
  body.appendChild(f);
  Object.keys(sortHeaders).forEach(function (k) {
    sortHeaders[k].setAttribute('aria-sort', k === key ? (dir === 1 ? 'ascending' : 'descending') : 'none');
  });
}
head.addEventListener('click', function (e) {
  var b = e.target.closest('button.sort');
  if (b) sortBy(b.dataset.sort);
});

// ---- Filter ------------------------------------------------------------------
// Each word filters whichever axis it matches: submission names (rows), test
// ids/titles (columns). Words on the same axis widen it ("alice bob").
var filterInput = document.getElementById('filter');
var shownOutput = document.getElementById('shown');
var colSheet = document.getElementById('col-filter').sheet;
var testText = tests.map(function (t) { return (t.id + '\n' + t.title).toLowerCase(); });
var rowText = rows.map(function (r) { return r.name.toLowerCase(); });
var hiddenCols = [];

function applyFilter() {
  var words = filterInput.value.toLowerCase().split(/\s+/).filter(Boolean);
  var rowWords = [];
  var colWords = [];
  var unmatched = [];
  words.forEach(function (w) {
    var onRows = rowText.some(function (n) { return n.indexOf(w) >= 0; });
    var onCols = testText.some(function (n) { return n.indexOf(w) >= 0; });
    if (onRows) rowWords.push(w);
    if (onCols) colWords.push(w);
    if (!onRows && !onCols) unmatched.push(w);
  });
  var shownRows = 0;
  rowEls.forEach(function (line, r) {
    var show = unmatched.length === 0 &&
      (rowWords.length === 0 || rowWords.some(function (w) { return rowText[r].indexOf(w) >= 0; }));
    if (line.hidden !== !show) line.hidden = !show;
    if (show) shownRows++;
  });
  hiddenCols = [];
  testText.forEach(function (text, j) {
    if (colWords.length > 0 && !colWords.some(function (w) { return text.indexOf(w) >= 0; })) hiddenCols.push(j);
  });
  // Columns hide through one CSS rule rather than touching every cell.
  while (colSheet.cssRules.length > 0) colSheet.deleteRule(0);
  if (hiddenCols.length > 0) {
    colSheet.insertRule(hiddenCols.map(function (j) { return '.t' + j; }).join(',') + '{display:none !important}', 0);
  }
  tierHeaders.forEach(function (h) {
    var n = 0;
    tests.forEach(function (t, j) { if (t.tier === h.tier && hiddenCols.indexOf(j) < 0) n++; });
    h.div.hidden = n === 0;
    h.div.style.width = 'calc(' + n + ' * var(--per-test))';
  });
  var text = 'Showing ' + shownRows + ' of ' + rows.length + ' submissions, ' +
    (tests.length - hiddenCols.length) + ' of ' + tests.length + ' tests';
  if (unmatched.length > 0) text += ' \u2014 nothing matches \u201c' + unmatched.join(' ') + '\u201d';
  shownOutput.textContent = text;
  if (active && !isShown(active)) setActive(firstShownSub());
  updateRates();
}
function isShown(b) {
  return !b.closest('.mrow').hidden && hiddenCols.indexOf((Number(b.dataset.k) / S) | 0) < 0;
}
function shownSubs(line) {
  return Array.prototype.filter.call(line.querySelectorAll('button.sub'), isShown);
}
function firstShownSub() {
  for (var i = 0; i < rowEls.length; i++) {
    var line = body.children[i];
    if (line.hidden) continue;
    var list = shownSubs(line);
    if (list.length > 0) return list[0];
  }
  return null;
}
filterInput.addEventListener('input', applyFilter);

// ---- Keyboard movement between sub-cells -------------------------------------
function nearestSub(line, k) {
  var best = null;
  var bestDist = Infinity;
  shownSubs(line).forEach(function (b) {
    var d = Math.abs(Number(b.dataset.k) - k);
    if (d < bestDist) { best = b; bestDist = d; }
  });
  return best;
}
body.addEventListener('keydown', function (e) {
  var b = e.target;
  if (!b.classList || !b.classList.contains('sub')) return;
  var line = b.closest('.mrow');
  var next = null;
  if (e.key === 'ArrowLeft' || e.key === 'ArrowRight') {
    var list = shownSubs(line);
    next = list[list.indexOf(b) + (e.key === 'ArrowLeft' ? -1 : 1)] || null;
  } else if (e.key === 'ArrowUp' || e.key === 'ArrowDown') {
    var k = Number(b.dataset.k);
    var other = line;
    do { other = e.key === 'ArrowUp' ? other.previousElementSibling : other.nextElementSibling; }
    while (other && (other.hidden || !nearestSub(other, k)));
    if (other) next = nearestSub(other, k);
  } else if (e.key === 'Home' || e.key === 'End') {
    var all = shownSubs(line);
    next = e.key === 'Home' ? all[0] : all[all.length - 1];
  }
  if (next) {
    e.preventDefault();
    setActive(next);
    next.focus();
  }
});
