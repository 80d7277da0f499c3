/**
 * Mobile Country Codes (ITU-T E.212) to ISO 3166-1 alpha-2 countries, for a box whose
 * configuration names no country: the SIM's IMSI starts with the MCC of its home network
 * (3GPP TS 23.003 §2.2). Assignments as published by the ITU (cross-checked against the
 * mobile-broadband-provider-info database); an MCC shared by several territories maps to the
 * main one (234/235 → GB, 310–316 → US).
 */

/** `MCC` + `CC` pairs, e.g. `262DE`. */
const TABLE: readonly string[] = [
  '202GR 204NL 206BE 208FR 213AD 214ES 216HU 218BA 219HR 220RS 221XK 222IT 226RO 228CH 230CZ 231SK',
  '232AT 234GB 235GB 238DK 240SE 242NO 244FI 246LT 247LV 248EE 250RU 255UA 257BY 259MD 260PL 262DE',
  '268PT 270LU 272IE 274IS 276AL 278MT 280CY 282GE 283AM 284BG 286TR 288FO 293SI 294MK 295LI 297ME',
  '302CA 310US 311US 312US 313US 314US 315US 316US 334MX 338JM 342BB 350BM 358LC 360VC 364BS 370DO',
  '374TT 400AZ 401KZ 404IN 405IN 406IN 410PK 412AF 413LK 414MM 415LB 416JO 418IQ 419KW 420SA 422OM',
  '424AE 425IL 426BH 427QA 428MN 429NP 432IR 434UZ 437KG 440JP 441JP 450KR 452VN 454HK 455MO 456KH',
  '457LA 460CN 461CN 466TW 470BD 472MV 502MY 505AU 510ID 515PH 520TH 525SG 528BN 530NZ 537PG 542FJ',
  '547PF 602EG 603DZ 604MA 605TN 608SN 610ML 611GN 612CI 613BF 617MU 620GH 621NG 624CM 630CD 631AO',
  '634SD 635RW 636ET 639KE 640TZ 641UG 642BI 643MZ 646MG 647RE 649NA 650MW 651LS 652BW 653SZ 655ZA',
  '704GT 706SV 708HN 710NI 712CR 714PA 716PE 722AR 724BR 730CL 732CO 734VE 738GY 740EC 744PY 748UY',
];

const BY_MCC: ReadonlyMap<string, string> = new Map(TABLE.flatMap((line) => line.split(' ')).map((pair) => [pair.slice(0, 3), pair.slice(3)]));

/** The country of a Mobile Country Code, or of an IMSI / PLMN that starts with one. */
export function countryOfMcc(mccOrImsi: string): string | undefined {
  const mcc = mccOrImsi.replace(/\D/g, '').slice(0, 3);
  return mcc.length === 3 ? BY_MCC.get(mcc) : undefined;
}
