// Shared helpers of the class page. The page script is common.js, matrix.js
// and panel.js concatenated by renderHtml() inside one function scope (the
// project's tsconfig has no DOM lib, so these stay plain browser JS). Every
// string that came from a submission is set with textContent, never parsed
// as markup: the page shows untrusted transcripts.

var model = JSON.parse(document.getElementById('model').textContent);
var servers = model.servers;
var tests = model.tests;
var rows = model.rows;
var S = servers.length;

var SYMBOL = { p: '\u2713', f: '\u2717', s: '\u2013', '-': '\u00b7' };
var WORD = { p: 'passed', f: 'failed', s: 'skipped', '-': 'not run' };
var STATE_OF = { passed: 'p', failed: 'f', skipped: 's' };
var STATUS_TEXT = {
  graded: 'graded', 'load-error': '\u26a0 load error', timeout: '\u26a0 timeout', crashed: '\u26a0 crashed',
  unreachable: '\u26a0 not graded: app unreachable', 'grader-error': '\u26a0 not graded: grader error',
};
// The grader's or the machine's problem, not the code's: their score is no grade.
var NOT_GRADED = { unreachable: true, 'grader-error': true };
var TIER_ORDER = ['core', '2', '3', '4'];
var TIER_TEXT = { core: 'Core', '2': 'Level 2 \u00b7 REST extras', '3': 'Level 3 \u00b7 hypermedia & caching', '4': 'Level 4 \u00b7 state across processes' };
var TIER_SHORT = { core: 'Core', '2': 'Level 2', '3': 'Level 3', '4': 'Level 4' };
var SVG_NS = 'http://www.w3.org/2000/svg';

function el(tag, cls, text) {
  var e = document.createElement(tag);
  if (cls) e.className = cls;
  if (text !== undefined && text !== null) e.textContent = String(text);
  return e;
}
/** An element with an ARIA role: the matrix is a role=table of divs. */
function cell(role, cls, text) {
  var e = el('div', cls, text);
  e.setAttribute('role', role);
  return e;
}
/**
 * Fills `parent` with `text`, control characters shown as marked escapes
 * (\x00, \x7f) so a body's stray bytes are visible; fonts rarely have the
 * Unicode control pictures. Newlines and tabs stay, as does CR in CRLF.
 */
var CONTROL = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\u007f]|\r(?!\n)/g;
function setVisibleText(parent, text) {
  text = String(text);
  CONTROL.lastIndex = 0;
  if (!CONTROL.test(text)) {
    parent.textContent = text;
    return parent;
  }
  parent.textContent = '';
  var last = 0;
  text.replace(CONTROL, function (c, at) {
    if (at > last) parent.appendChild(document.createTextNode(text.slice(last, at)));
    var code = c.charCodeAt(0).toString(16);
    var mark = el('span', 'ctl', '\\x' + (code.length < 2 ? '0' : '') + code);
    mark.title = 'control character U+' + ('000' + code).slice(-4).toUpperCase();
    parent.appendChild(mark);
    last = at + c.length;
    return c;
  });
  if (last < text.length) parent.appendChild(document.createTextNode(text.slice(last)));
  return parent;
}
function pct(value) { return Math.round(value * 100) + '\u202f%'; }
function share(score, max) { return max > 0 ? Math.max(0, Math.min(1, score / max)) : 0; }
function fmtNum(n) { return Number.isInteger(n) ? String(n) : n.toFixed(1); }
function hiddenIcon() {
  var svg = document.createElementNS(SVG_NS, 'svg');
  svg.setAttribute('class', 'icon');
  svg.setAttribute('aria-hidden', 'true');
  var use = document.createElementNS(SVG_NS, 'use');
  use.setAttribute('href', '#i-hidden');
  svg.appendChild(use);
  return svg;
}
