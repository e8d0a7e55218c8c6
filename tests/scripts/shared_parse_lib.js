let count = 0;
export function bump() { count += 1; }
export function counter() { return count; }
export function tag(strings) { return strings; }
export function site() { return tag`x${1}y`; }
