// Geographic area codes of the North American Numbering Plan: where each one is (US state or
// territory, Canadian province) and every IANA time zone its territory lies in.
//
// Sources: NANPA's area code assignments (nationalnanpa.com, "NPA database" / planning letters,
// including overlays in service or announced through 2025), with the zones of each area code
// cross-checked against the timezone map of Google's libphonenumber
// (resources/timezones/map_data.txt, Apache-2.0), which records the zone of every exchange.
//
// Rules used to build it:
// - An area code lists every zone that officially applies somewhere in its territory, because
//   REQ-29 sends only when it is a convenient hour in all of them. Overlays share the zones of
//   the codes they overlay.
// - Zones are listed by offset behaviour, not by city: America/Boise stands for Idaho's and
//   Oregon's Mountain-time counties, America/Denver for Mountain time with DST, America/Phoenix
//   for Arizona without it (the Navajo Nation keeps DST, hence Denver on 928).
// - Unofficial local practice (Phenix City AL on Eastern time, Kenton OK on Mountain) is left out:
//   it would cost every number in the area code an hour for a handful of exchanges.
// - Non-geographic codes (toll-free 8XX, 5XX personal, 600/622, 700, 710, 900, N11) are absent, so
//   they resolve to "unknown".
//
// Update by editing the rows below; the test checks that no code appears twice and that every
// zone is a valid IANA name.

export const NANP_AREA_CODES_VERSION = "2026-05";

const ET = "America/New_York";
const CT = "America/Chicago";
const MT = "America/Denver";
const MT_IDAHO = "America/Boise";
const MST_ARIZONA = "America/Phoenix";
const PT = "America/Los_Angeles";

export interface AreaCodeRow {
  /** ISO 3166-1 alpha-2 country. */
  country: string;
  /** US state/territory or Canadian province (ISO 3166-2 suffix); null when it spans several. */
  region: string | null;
  zones: readonly string[];
  codes: readonly string[];
  /** Why an area code spans zones, where it does. */
  note?: string;
}

export const NANP_AREA_CODE_ROWS: readonly AreaCodeRow[] = [
  // United States
  { country: "US", region: "AL", zones: [CT], codes: ["205", "251", "256", "334", "659", "938"] },
  {
    country: "US",
    region: "AK",
    zones: ["America/Anchorage", "America/Adak"],
    codes: ["907"],
    note: "the western Aleutians keep Hawaii-Aleutian time",
  },
  { country: "US", region: "AZ", zones: [MST_ARIZONA], codes: ["480", "520", "602", "623"] },
  {
    country: "US",
    region: "AZ",
    zones: [MST_ARIZONA, MT],
    codes: ["928"],
    note: "the Navajo Nation in northeastern Arizona observes DST",
  },
  { country: "US", region: "AR", zones: [CT], codes: ["327", "479", "501", "870"] },
  {
    country: "US",
    region: "CA",
    zones: [PT],
    codes: [
      ...["209", "213", "279", "310", "323", "341", "350", "357", "369", "408", "415", "424"],
      ...["442", "510", "530", "559", "562", "619", "626", "628", "650", "657", "661", "669"],
      ...["707", "714", "738", "747", "760", "805", "818", "820", "831", "840", "858", "909"],
      ...["916", "925", "949", "951"],
    ],
  },
  { country: "US", region: "CO", zones: [MT], codes: ["303", "719", "720", "748", "970", "983"] },
  { country: "US", region: "CT", zones: [ET], codes: ["203", "475", "860", "959"] },
  { country: "US", region: "DE", zones: [ET], codes: ["302"] },
  { country: "US", region: "DC", zones: [ET], codes: ["202", "771"] },
  {
    country: "US",
    region: "FL",
    zones: [ET],
    codes: [
      ...["239", "305", "321", "324", "352", "386", "407", "561", "645", "656", "689", "727"],
      ...["728", "754", "772", "786", "813", "863", "904", "941", "954"],
    ],
  },
  {
    country: "US",
    region: "FL",
    zones: [ET, CT],
    codes: ["448", "850"],
    note: "the panhandle west of the Apalachicola River is on Central time",
  },
  {
    country: "US",
    region: "GA",
    zones: [ET],
    codes: ["229", "404", "470", "478", "678", "706", "762", "770", "912", "943"],
  },
  { country: "US", region: "HI", zones: ["Pacific/Honolulu"], codes: ["808"] },
  {
    country: "US",
    region: "ID",
    zones: [MT_IDAHO, PT],
    codes: ["208", "986"],
    note: "the northern panhandle is on Pacific time",
  },
  {
    country: "US",
    region: "IL",
    zones: [CT],
    codes: [
      ...["217", "224", "309", "312", "331", "447", "464", "618", "630", "708", "730", "773"],
      ...["779", "815", "847", "861", "872"],
    ],
  },
  { country: "US", region: "IN", zones: [ET], codes: ["260", "317", "463", "765"] },
  {
    country: "US",
    region: "IN",
    zones: [ET, CT],
    codes: ["219", "574", "812", "930"],
    note: "the northwestern (Gary) and southwestern (Evansville) counties are on Central time",
  },
  { country: "US", region: "IA", zones: [CT], codes: ["319", "515", "563", "641", "712"] },
  { country: "US", region: "KS", zones: [CT], codes: ["316", "913"] },
  {
    country: "US",
    region: "KS",
    zones: [CT, MT],
    codes: ["620", "785"],
    note: "Greeley, Hamilton, Sherman and Wallace counties are on Mountain time",
  },
  { country: "US", region: "KY", zones: [ET], codes: ["502", "859"] },
  {
    country: "US",
    region: "KY",
    zones: [CT, ET],
    codes: ["270", "364", "606"],
    note: "western Kentucky (and Clinton County in 606) is on Central time",
  },
  { country: "US", region: "LA", zones: [CT], codes: ["225", "318", "337", "504", "985"] },
  { country: "US", region: "ME", zones: [ET], codes: ["207"] },
  { country: "US", region: "MD", zones: [ET], codes: ["227", "240", "301", "410", "443", "667"] },
  {
    country: "US",
    region: "MA",
    zones: [ET],
    codes: ["339", "351", "413", "508", "617", "774", "781", "857", "978"],
  },
  {
    country: "US",
    region: "MI",
    zones: [ET],
    codes: ["231", "248", "269", "313", "517", "586", "616", "679", "734", "810", "947", "989"],
  },
  {
    country: "US",
    region: "MI",
    zones: [ET, CT],
    codes: ["906"],
    note: "the four Upper Peninsula counties bordering Wisconsin are on Central time",
  },
  {
    country: "US",
    region: "MN",
    zones: [CT],
    codes: ["218", "320", "507", "612", "651", "763", "924", "952"],
  },
  { country: "US", region: "MS", zones: [CT], codes: ["228", "471", "601", "662", "769"] },
  {
    country: "US",
    region: "MO",
    zones: [CT],
    codes: ["235", "314", "417", "557", "573", "636", "660", "816", "975"],
  },
  { country: "US", region: "MT", zones: [MT], codes: ["406"] },
  { country: "US", region: "NE", zones: [CT], codes: ["402", "531"] },
  {
    country: "US",
    region: "NE",
    zones: [CT, MT],
    codes: ["308"],
    note: "the western panhandle is on Mountain time",
  },
  { country: "US", region: "NV", zones: [PT], codes: ["702", "725"] },
  {
    country: "US",
    region: "NV",
    zones: [PT, MT],
    codes: ["775"],
    note: "West Wendover is on Mountain time",
  },
  { country: "US", region: "NH", zones: [ET], codes: ["603"] },
  {
    country: "US",
    region: "NJ",
    zones: [ET],
    codes: ["201", "551", "609", "640", "732", "848", "856", "862", "908", "973"],
  },
  { country: "US", region: "NM", zones: [MT], codes: ["505", "575"] },
  {
    country: "US",
    region: "NY",
    zones: [ET],
    codes: [
      ...["212", "315", "329", "332", "347", "363", "516", "518", "585", "607", "624", "631"],
      ...["646", "680", "716", "718", "838", "845", "914", "917", "929", "934"],
    ],
  },
  {
    country: "US",
    region: "NC",
    zones: [ET],
    codes: ["252", "336", "472", "704", "743", "828", "910", "919", "980", "984"],
  },
  {
    country: "US",
    region: "ND",
    zones: [CT, MT],
    codes: ["701"],
    note: "the southwestern counties are on Mountain time",
  },
  {
    country: "US",
    region: "OH",
    zones: [ET],
    codes: [
      ...["216", "220", "234", "283", "326", "330", "380", "419", "436", "440", "513", "567"],
      ...["614", "740", "937"],
    ],
  },
  { country: "US", region: "OK", zones: [CT], codes: ["405", "539", "572", "580", "918"] },
  { country: "US", region: "OR", zones: [PT], codes: ["503", "971"] },
  {
    country: "US",
    region: "OR",
    zones: [PT, MT_IDAHO],
    codes: ["458", "541"],
    note: "most of Malheur County is on Mountain time",
  },
  {
    country: "US",
    region: "PA",
    zones: [ET],
    codes: [
      ...["215", "223", "267", "272", "412", "445", "484", "570", "582", "610", "717", "724"],
      ...["814", "835", "878"],
    ],
  },
  { country: "US", region: "RI", zones: [ET], codes: ["401"] },
  {
    country: "US",
    region: "SC",
    zones: [ET],
    codes: ["803", "821", "839", "843", "854", "864"],
  },
  {
    country: "US",
    region: "SD",
    zones: [CT, MT],
    codes: ["605"],
    note: "the western half of the state is on Mountain time",
  },
  { country: "US", region: "TN", zones: [CT], codes: ["615", "629", "731", "901", "931"] },
  { country: "US", region: "TN", zones: [ET], codes: ["865"] },
  {
    country: "US",
    region: "TN",
    zones: [ET, CT],
    codes: ["423"],
    note: "Chattanooga and the northeast are Eastern; Marion and the Sequatchie valley Central",
  },
  {
    country: "US",
    region: "TX",
    zones: [CT],
    codes: [
      ...["210", "214", "254", "281", "325", "346", "361", "409", "430", "469", "512", "682"],
      ...["713", "726", "737", "806", "817", "830", "832", "903", "936", "940", "945", "956"],
      ...["972", "979"],
    ],
  },
  {
    country: "US",
    region: "TX",
    zones: [MT, CT],
    codes: ["432", "915"],
    note: "El Paso and Hudspeth counties are on Mountain time; rate centres near the Culberson line are listed both ways",
  },
  { country: "US", region: "UT", zones: [MT], codes: ["385", "435", "801"] },
  { country: "US", region: "VT", zones: [ET], codes: ["802"] },
  {
    country: "US",
    region: "VA",
    zones: [ET],
    codes: [...["276", "434", "540", "571", "686", "703", "757", "804", "826", "948"]],
  },
  {
    country: "US",
    region: "WA",
    zones: [PT],
    codes: ["206", "253", "360", "425", "509", "564"],
  },
  { country: "US", region: "WV", zones: [ET], codes: ["304", "681"] },
  {
    country: "US",
    region: "WI",
    zones: [CT],
    codes: ["262", "274", "353", "414", "534", "608", "715", "920"],
  },
  { country: "US", region: "WY", zones: [MT], codes: ["307"] },
  // US territories
  { country: "US", region: "PR", zones: ["America/Puerto_Rico"], codes: ["787", "939"] },
  { country: "US", region: "VI", zones: ["America/St_Thomas"], codes: ["340"] },
  { country: "US", region: "GU", zones: ["Pacific/Guam"], codes: ["671"] },
  { country: "US", region: "MP", zones: ["Pacific/Saipan"], codes: ["670"] },
  { country: "US", region: "AS", zones: ["Pacific/Pago_Pago"], codes: ["684"] },
  // Canada
  {
    country: "CA",
    region: "AB",
    zones: ["America/Edmonton"],
    codes: ["368", "403", "587", "780", "825"],
  },
  { country: "CA", region: "BC", zones: ["America/Vancouver"], codes: ["604"] },
  {
    country: "CA",
    region: "BC",
    zones: ["America/Vancouver", "America/Edmonton"],
    codes: ["236", "250", "257", "672", "778"],
    note: "the East Kootenay and Peace River regions are on Mountain time",
  },
  { country: "CA", region: "MB", zones: ["America/Winnipeg"], codes: ["204", "431", "584"] },
  { country: "CA", region: "NB", zones: ["America/Halifax"], codes: ["428", "506"] },
  {
    country: "CA",
    region: "NL",
    zones: ["America/St_Johns", "America/Halifax"],
    codes: ["709", "879"],
    note: "most of Labrador is on Atlantic time",
  },
  {
    country: "CA",
    region: null,
    zones: ["America/Halifax"],
    codes: ["782", "902"],
    note: "Nova Scotia and Prince Edward Island",
  },
  {
    country: "CA",
    region: "ON",
    zones: ["America/Toronto"],
    codes: [
      ...["226", "249", "289", "343", "365", "382", "416", "437", "519", "548", "613", "647"],
      ...["683", "705", "742", "753", "905", "942"],
    ],
  },
  {
    country: "CA",
    region: "ON",
    zones: ["America/Toronto", "America/Winnipeg"],
    codes: ["807"],
    note: "northwestern Ontario (Kenora, Dryden) is on Central time",
  },
  {
    country: "CA",
    region: "QC",
    zones: ["America/Toronto"],
    codes: ["263", "354", "438", "450", "468", "514", "579", "819", "873"],
  },
  {
    country: "CA",
    region: "QC",
    zones: ["America/Toronto", "America/Halifax"],
    codes: ["367", "418", "581"],
    note: "the Magdalen Islands and the Lower North Shore are on Atlantic time",
  },
  {
    country: "CA",
    region: "SK",
    zones: ["America/Regina", "America/Edmonton"],
    codes: ["306", "474", "639"],
    note: "Lloydminster keeps Alberta time",
  },
  {
    country: "CA",
    region: null,
    zones: ["America/Whitehorse", "America/Edmonton", "America/Winnipeg", "America/Toronto"],
    codes: ["867"],
    note: "Yukon, Northwest Territories and Nunavut (three zones in Nunavut alone)",
  },
  // The Caribbean and Bermuda (NANP countries; the region is left null)
  { country: "AG", region: null, zones: ["America/Antigua"], codes: ["268"] },
  { country: "AI", region: null, zones: ["America/Anguilla"], codes: ["264"] },
  { country: "BB", region: null, zones: ["America/Barbados"], codes: ["246"] },
  { country: "BM", region: null, zones: ["Atlantic/Bermuda"], codes: ["441"] },
  { country: "BS", region: null, zones: ["America/Nassau"], codes: ["242"] },
  { country: "DM", region: null, zones: ["America/Dominica"], codes: ["767"] },
  { country: "DO", region: null, zones: ["America/Santo_Domingo"], codes: ["809", "829", "849"] },
  { country: "GD", region: null, zones: ["America/Grenada"], codes: ["473"] },
  { country: "JM", region: null, zones: ["America/Jamaica"], codes: ["658", "876"] },
  { country: "KN", region: null, zones: ["America/St_Kitts"], codes: ["869"] },
  { country: "KY", region: null, zones: ["America/Cayman"], codes: ["345"] },
  { country: "LC", region: null, zones: ["America/St_Lucia"], codes: ["758"] },
  { country: "MS", region: null, zones: ["America/Montserrat"], codes: ["664"] },
  { country: "SX", region: null, zones: ["America/Lower_Princes"], codes: ["721"] },
  { country: "TC", region: null, zones: ["America/Grand_Turk"], codes: ["649"] },
  { country: "TT", region: null, zones: ["America/Port_of_Spain"], codes: ["868"] },
  { country: "VC", region: null, zones: ["America/St_Vincent"], codes: ["784"] },
  { country: "VG", region: null, zones: ["America/Tortola"], codes: ["284"] },
];
