//! Administrative area codes (GB/T 2260) read from Chinese resident ID numbers: every province,
//! and every prefecture-level code of Xinjiang, current and historical. An old card keeps the
//! code it was issued with, so historical codes stay here with what became of them.

/// A prefecture-level area.
#[derive(Debug, PartialEq, Eq)]
pub struct Prefecture {
    pub code: &'static str,
    pub name_zh: &'static str,
    pub name_en: &'static str,
    /// In Uyghur, in Arabic script.
    pub name_ug: &'static str,
    /// `false` for a code that is no longer issued.
    pub current: bool,
    /// The code that replaced a historical one.
    pub renumbered_as: Option<&'static str>,
}

type Names = (&'static str, &'static str, &'static str);

const fn pref(code: &'static str, (name_zh, name_en, name_ug): Names) -> Prefecture {
    Prefecture { code, name_zh, name_en, name_ug, current: true, renumbered_as: None }
}

const fn old(code: &'static str, (name_zh, name_en, name_ug): Names, new: &'static str) -> Prefecture {
    Prefecture { code, name_zh, name_en, name_ug, current: false, renumbered_as: Some(new) }
}

/// Xinjiang's prefecture-level codes.
pub const XINJIANG_PREFECTURES: &[Prefecture] = &[
    pref("6501", ("乌鲁木齐市", "Ürümqi City", "ئۈرۈمچى شەھىرى")),
    pref("6502", ("克拉玛依市", "Karamay City", "قاراماي شەھىرى")),
    pref("6504", ("吐鲁番市", "Turpan City", "تۇرپان شەھىرى")),
    pref("6505", ("哈密市", "Hami (Kumul) City", "قۇمۇل شەھىرى")),
    old("6521", ("吐鲁番地区", "Turpan Prefecture", "تۇرپان ۋىلايىتى"), "6504"),
    old("6522", ("哈密地区", "Hami (Kumul) Prefecture", "قۇمۇل ۋىلايىتى"), "6505"),
    pref("6523", ("昌吉回族自治州", "Changji Hui Autonomous Prefecture", "سانجى خۇيزۇ ئاپتونوم ئوبلاستى")),
    pref("6527", ("博尔塔拉蒙古自治州", "Bortala Mongol Autonomous Prefecture", "بۆرتالا موڭغۇل ئاپتونوم ئوبلاستى")),
    pref(
        "6528",
        ("巴音郭楞蒙古自治州", "Bayingolin Mongol Autonomous Prefecture", "بايىنغولىن موڭغۇل ئاپتونوم ئوبلاستى"),
    ),
    pref("6529", ("阿克苏地区", "Aksu Prefecture", "ئاقسۇ ۋىلايىتى")),
    pref("6530", ("克孜勒苏柯尔克孜自治州", "Kizilsu Kyrgyz Autonomous Prefecture", "قىزىلسۇ قىرغىز ئاپتونوم ئوبلاستى")),
    pref("6531", ("喀什地区", "Kashgar Prefecture", "قەشقەر ۋىلايىتى")),
    pref("6532", ("和田地区", "Hotan Prefecture", "خوتەن ۋىلايىتى")),
    pref("6540", ("伊犁哈萨克自治州", "Ili Kazakh Autonomous Prefecture", "ئىلى قازاق ئاپتونوم ئوبلاستى")),
    old("6541", ("伊犁地区", "Ili Prefecture", "ئىلى ۋىلايىتى"), "6540"),
    pref("6542", ("塔城地区", "Tacheng (Tarbagatay) Prefecture", "تارباغاتاي ۋىلايىتى")),
    pref("6543", ("阿勒泰地区", "Altay Prefecture", "ئالتاي ۋىلايىتى")),
    pref(
        "6590",
        (
            "自治区直辖县级行政区划",
            "County-level cities under the region",
            "ئاپتونوم رايونغا بىۋاسىتە قاراشلىق شەھەرلەر",
        ),
    ),
];

/// The prefecture with this four-digit code, where known.
pub fn prefecture(code: &str) -> Option<&'static Prefecture> {
    XINJIANG_PREFECTURES.iter().find(|p| p.code == code)
}

/// The province-level division with this two-digit code.
pub fn province(code: &str) -> Option<&'static str> {
    Some(match code {
        "11" => "Beijing",
        "12" => "Tianjin",
        "13" => "Hebei",
        "14" => "Shanxi",
        "15" => "Inner Mongolia",
        "21" => "Liaoning",
        "22" => "Jilin",
        "23" => "Heilongjiang",
        "31" => "Shanghai",
        "32" => "Jiangsu",
        "33" => "Zhejiang",
        "34" => "Anhui",
        "35" => "Fujian",
        "36" => "Jiangxi",
        "37" => "Shandong",
        "41" => "Henan",
        "42" => "Hubei",
        "43" => "Hunan",
        "44" => "Guangdong",
        "45" => "Guangxi",
        "46" => "Hainan",
        "50" => "Chongqing",
        "51" => "Sichuan",
        "52" => "Guizhou",
        "53" => "Yunnan",
        "54" => "Tibet",
        "61" => "Shaanxi",
        "62" => "Gansu",
        "63" => "Qinghai",
        "64" => "Ningxia",
        "65" => "Xinjiang",
        "71" => "Taiwan",
        "81" => "Hong Kong",
        "82" => "Macau",
        _ => return None,
    })
}
