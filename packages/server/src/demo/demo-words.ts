/** Word lists the demo generator draws names from: 1990s Midwest hardware distribution. */

/** Demo vocabulary: employee first names. */
export const FIRST = [
  'JOHN',
  'MARY',
  'ROBERT',
  'LINDA',
  'JAMES',
  'SUSAN',
  'DAVID',
  'KAREN',
  'PAUL',
  'NANCY',
  'MARK',
  'DONNA',
  'GARY',
  'CAROL',
  'LARRY',
  'RUTH',
];
/** Demo vocabulary: employee last names. */
export const LAST = [
  'SMITH',
  'JOHNSON',
  'MILLER',
  'DAVIS',
  'WILSON',
  'MOORE',
  'TAYLOR',
  'ANDERSON',
  'THOMAS',
  'JACKSON',
  'WHITE',
  'HARRIS',
  'MARTIN',
  'GARCIA',
  'CLARK',
  'LEWIS',
];
/** Demo vocabulary: first word of company names. */
export const CO_A = [
  'ACME',
  'ALLIED',
  'CENTRAL',
  'EAGLE',
  'FIRST',
  'GENERAL',
  'KEYSTONE',
  'LAKESIDE',
  'MIDWEST',
  'NORTHERN',
  'PIONEER',
  'SUMMIT',
  'TRI-STATE',
  'VALLEY',
  'WESTERN',
  'UNITED',
];
/** Demo vocabulary: trade word of company names. */
export const CO_B = [
  'HARDWARE',
  'SUPPLY',
  'PLUMBING',
  'ELECTRIC',
  'BUILDERS',
  'FARM & HOME',
  'INDUSTRIAL',
  'LUMBER',
  'TOOL',
  'MAINTENANCE',
  'CONTRACTORS',
  'DISTRIBUTING',
];
/** Demo vocabulary: legal suffix of company names. */
export const CO_C = ['INC', 'CO', 'CORP', 'LLC', '& SONS', 'LTD', ''];
/** Demo vocabulary: street names. */
export const STREETS = [
  'MAIN ST',
  'OAK AVE',
  'INDUSTRIAL PKWY',
  'RIVER RD',
  'COMMERCE DR',
  'STATE RT 9',
  'MILL ST',
  'HWY 40 E',
  'ELM ST',
  'DEPOT RD',
];
/** Demo vocabulary: city, state and ZIP prefix. */
export const CITIES: readonly (readonly [string, string, string])[] = [
  ['COLUMBUS', 'OH', '432'],
  ['DAYTON', 'OH', '454'],
  ['TOLEDO', 'OH', '436'],
  ['FORT WAYNE', 'IN', '468'],
  ['INDIANAPOLIS', 'IN', '462'],
  ['LOUISVILLE', 'KY', '402'],
  ['LEXINGTON', 'KY', '405'],
  ['PITTSBURGH', 'PA', '152'],
  ['ERIE', 'PA', '165'],
  ['DETROIT', 'MI', '482'],
  ['GRAND RAPIDS', 'MI', '495'],
  ['PEORIA', 'IL', '616'],
];
/** Demo vocabulary: item descriptions. */
export const ITEM_NOUN = [
  'HEX BOLT',
  'WOOD SCREW',
  'WASHER FLAT',
  'PVC ELBOW',
  'COPPER TEE',
  'BALL VALVE',
  'WIRE NUT',
  'OUTLET BOX',
  'CONDUIT',
  'HINGE',
  'DRILL BIT',
  'SAW BLADE',
  'TAPE MEASURE',
  'GLOVES LTHR',
  'CAULK TUBE',
  'SANDPAPER',
];
/** Demo vocabulary: item sizes. */
export const ITEM_SIZE = [
  '1/4"',
  '3/8"',
  '1/2"',
  '3/4"',
  '1"',
  '#8',
  '#10',
  '12GA',
  '14GA',
  'SM',
  'MED',
  'LG',
  'XL',
];
/** Demo vocabulary: item category and unit of measure. */
export const CATEGORIES: readonly (readonly [string, string])[] = [
  ['FST', 'EA'],
  ['FST', 'BX'],
  ['PLB', 'EA'],
  ['ELC', 'EA'],
  ['ELC', 'CS'],
  ['HDW', 'EA'],
  ['TLS', 'EA'],
  ['SFT', 'PR'],
  ['CHM', 'EA'],
  ['ABR', 'PK'],
];
/** Demo vocabulary: department codes, weighted toward sales. */
export const DEPTS = ['SLS', 'SLS', 'SLS', 'WHS', 'WHS', 'ACC', 'PUR', 'ADM'];
/** Demo vocabulary: job code per department. */
export const JOBS: Record<string, string> = {
  SLS: 'REP1',
  WHS: 'PICK',
  ACC: 'CLRK',
  PUR: 'BUYR',
  ADM: 'MGR1',
};
/** Demo vocabulary: payment terms codes. */
export const TERMS = ['N30', 'N30', 'N30', 'N45', 'N60', 'COD', '2N10'];
/** Demo vocabulary: warehouse codes. */
export const WAREHOUSES = ['W01', 'W02', 'E10'];
