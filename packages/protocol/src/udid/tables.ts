/**
 * Product classification of the standard, section 6.4: table 2 (category, the B part) and
 * tables 3–8 (sub-category, the C part). Chinese names are the standard's; English names are ours.
 *
 * Decisions where the tables are silent or odd:
 * - Category names follow table 2; the sub-tables' own titles differ (table 4 "洗衣干衣类",
 *   table 6 "烹饪类", table 7 "热水类") but describe the same category.
 * - Category 05 is "水处理类" (water treatment) in table 2, yet table 7 lists only water heaters;
 *   the English name says what the codes hold: water heating (docs/design.md §2).
 * - Table 8 (TV) prints rows 003, 004 and 005 with no name. A blank row assigns nothing, so those
 *   codes are reserved and rejected as unknown until the association fills them; a TV that is
 *   neither LED nor LCD is 099. (Accepting them would let IDs through that a later edition could
 *   give a different meaning.)
 * - Category 99 ("other") has no sub-table; its only sub-category is 099 ("other").
 */

export interface CodeName {
  code: string;
  zh: string;
  en: string;
}

export interface Category extends CodeName {
  subCategories: readonly CodeName[];
}

/** The A part: "01" is the only appliance class the standard defines. */
export const applianceClass: CodeName = { code: "01", zh: "家电类", en: "household appliance" };

const other: CodeName = { code: "099", zh: "其他", en: "other" };

export const categories: readonly Category[] = [
  {
    code: "01",
    zh: "冷藏冷冻类",
    en: "refrigeration",
    subCategories: [
      { code: "001", zh: "冷藏箱", en: "refrigerator" },
      { code: "002", zh: "冷冻箱", en: "freezer" },
      { code: "003", zh: "冷藏冷冻箱", en: "refrigerator-freezer" },
      { code: "004", zh: "酒柜", en: "wine cabinet" },
      { code: "005", zh: "商用冷藏陈列柜", en: "commercial refrigerated display cabinet" },
      { code: "006", zh: "商用冷冻陈列柜", en: "commercial frozen display cabinet" },
      { code: "007", zh: "家用玻璃门冷藏柜", en: "household glass-door refrigerated cabinet" },
      other,
    ],
  },
  {
    code: "02",
    zh: "洗涤类",
    en: "laundry",
    subCategories: [
      { code: "001", zh: "波轮洗衣机", en: "pulsator washing machine" },
      { code: "002", zh: "滚筒洗衣机", en: "drum washing machine" },
      { code: "003", zh: "干衣机", en: "clothes dryer" },
      { code: "004", zh: "波轮洗衣干衣机", en: "pulsator washer-dryer" },
      { code: "005", zh: "滚筒洗衣干衣机", en: "drum washer-dryer" },
      other,
    ],
  },
  {
    code: "03",
    zh: "空气调节类",
    en: "air conditioning",
    subCategories: [
      { code: "001", zh: "家用空调器", en: "household air conditioner" },
      { code: "002", zh: "家用中央空调", en: "household central air conditioning" },
      { code: "003", zh: "商用中央空调", en: "commercial central air conditioning" },
      { code: "004", zh: "家用加湿器", en: "household humidifier" },
      { code: "005", zh: "家用净化器", en: "household air purifier" },
      { code: "006", zh: "除湿机", en: "dehumidifier" },
      { code: "007", zh: "风扇", en: "fan" },
      { code: "008", zh: "电暖气", en: "electric heater" },
      { code: "009", zh: "换风机", en: "ventilator" },
      other,
    ],
  },
  {
    code: "04",
    zh: "厨电类",
    en: "kitchen appliances",
    subCategories: [
      { code: "001", zh: "烤箱", en: "oven" },
      { code: "002", zh: "微波炉", en: "microwave oven" },
      { code: "003", zh: "电饭锅", en: "rice cooker" },
      { code: "004", zh: "油烟机", en: "range hood" },
      { code: "005", zh: "打火灶", en: "gas hob" },
      { code: "006", zh: "煤气阀", en: "gas valve" },
      { code: "007", zh: "消毒柜", en: "disinfection cabinet" },
      { code: "008", zh: "豆浆机", en: "soy milk maker" },
      { code: "009", zh: "洗碗机", en: "dishwasher" },
      { code: "010", zh: "咖啡机", en: "coffee machine" },
      other,
    ],
  },
  {
    code: "05",
    zh: "水处理类",
    en: "water heating",
    subCategories: [
      { code: "001", zh: "电热水器", en: "electric water heater" },
      { code: "002", zh: "燃气热水器", en: "gas water heater" },
      { code: "003", zh: "太阳能热水器", en: "solar water heater" },
      { code: "004", zh: "热泵热水器", en: "heat-pump water heater" },
      { code: "005", zh: "热水中心", en: "hot-water centre" },
      other,
    ],
  },
  {
    code: "06",
    zh: "电视类",
    en: "television",
    subCategories: [
      { code: "001", zh: "LED", en: "LED TV" },
      { code: "002", zh: "LCD", en: "LCD TV" },
      // 003–005: blank in table 8, reserved (see the file comment).
      other,
    ],
  },
  { code: "99", zh: "其他", en: "other", subCategories: [other] },
];

/** Codes printed blank in table 8: reported as reserved rather than merely unknown. */
export const reservedTvSubCategories: readonly string[] = ["003", "004", "005"];

interface Lookup {
  category: CodeName;
  subs: ReadonlyMap<string, CodeName>;
}

const byCode: ReadonlyMap<string, Lookup> = new Map(
  categories.map((c) => [
    c.code,
    {
      category: { code: c.code, zh: c.zh, en: c.en },
      subs: new Map(c.subCategories.map((s) => [s.code, s])),
    },
  ]),
);

export function categoryOf(code: string): CodeName | undefined {
  return byCode.get(code)?.category;
}

export function subCategoryOf(categoryCode: string, subCode: string): CodeName | undefined {
  return byCode.get(categoryCode)?.subs.get(subCode);
}
