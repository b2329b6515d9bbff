/** Contests the results tests share: the city's mayoral race on every station, and a constituency on two of them. */
export const MAYOR_CONTEST = {
  id: 'mayor',
  name: 'Mayor of Bishkek',
  kind: 'constituency',
  candidates: [
    { id: 'A', name: 'Asanov' },
    { id: 'B', name: 'Bekova' },
  ],
  stations: 'all',
} as const;

export const OKRUG_21_CONTEST = {
  id: 'okrug-21',
  name: 'Constituency 21',
  kind: 'constituency',
  candidates: [{ id: 'X', name: 'Kasymov' }],
  stations: ['1001', '1002'],
} as const;
