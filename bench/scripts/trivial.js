// Startup: empty iteration; run with --vus N --iterations N.
export default function () {}
