export interface Item { id: number; name: string }
export function label(i: Item): string { return `${i.id}:${i.name}`; }
export enum Kind { A = 'a', B = 'b' }
