export function words() { return ['word_a', 'word_c'].join(' '); }
export function describe(vu) { return `vu ${vu} of late`; }
