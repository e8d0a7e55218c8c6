module.exports.twice = function (x) { return x * 2; };
module.exports.name = function () { return ['w_a'][0]; };
