// A CommonJS script and library whose parse the VUs of a worker thread share (rk6 parses
// a script's text once per thread): VU 8 interns the name w_b where every other VU interns
// w_a (this text names neither), and the library's text names w_a.
var k6 = require('k6');
var lib = require('./shared_parse_cjs_lib.js');
var word = 'w_' + (__VU === 8 ? 'b' : 'a');
var mine = eval('var ' + word + ' = ' + __VU + '; ' + word);
module.exports.default = function () {
  k6.check(null, { 'cjs ok': function () { return mine === __VU && lib.twice(__VU) === 2 * __VU && lib.name() === 'w_a'; } });
};
