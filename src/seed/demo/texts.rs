//! The words of the demo: applicants' names, reasons and notes, in the
//! Vietnamese an officer would write.

use crate::domain::dossier::ApplicantKind;
use crate::workflow::filing::{Applicant, DocumentRef};
use rand::rngs::StdRng;
use rand::seq::SliceRandom;
use rand::Rng;
use sha2::{Digest, Sha256};

const FAMILY: &[&str] = &[
    "Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Hoàng", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ",
    "Ngô", "Hồ", "Dương", "Lý", "Đinh", "Mai", "Lâm", "Tô",
];
const MIDDLE_MEN: &[&str] = &[
    "Văn", "Minh", "Thanh", "Hoàng", "Quốc", "Hữu", "Đức", "Công", "Tấn", "Ngọc",
];
const MIDDLE_WOMEN: &[&str] = &[
    "Thị",
    "Ngọc",
    "Thanh",
    "Thu",
    "Kim",
    "Mỹ",
    "Bích",
    "Thị Thu",
    "Hồng",
];
const GIVEN_MEN: &[&str] = &[
    "An", "Bình", "Cường", "Dũng", "Hùng", "Long", "Nam", "Phúc", "Quang", "Sơn", "Tuấn", "Khoa",
    "Hiếu", "Tài", "Trung", "Hải", "Lộc", "Thắng", "Vinh", "Kiên",
];
const GIVEN_WOMEN: &[&str] = &[
    "Hoa", "Lan", "Linh", "Mai", "Nga", "Phương", "Tâm", "Thảo", "Trang", "Vy", "Yến", "Hạnh",
    "Hương", "Loan", "Ngân", "Oanh", "Quyên", "Diễm", "Nhung", "Hà",
];

const HAMLETS: &[&str] = &[
    "1",
    "2",
    "3",
    "Bưng Còng",
    "Bến Tranh",
    "Cây Trường",
    "Đồng Sổ",
    "Bàu Lòng",
];

/// A plausible Vietnamese full name.
pub fn person(rng: &mut StdRng) -> String {
    let family = FAMILY.choose(rng).copied().unwrap_or("Nguyễn");
    if rng.gen_bool(0.5) {
        let middle = MIDDLE_MEN.choose(rng).copied().unwrap_or("Văn");
        let given = GIVEN_MEN.choose(rng).copied().unwrap_or("An");
        format!("{family} {middle} {given}")
    } else {
        let middle = MIDDLE_WOMEN.choose(rng).copied().unwrap_or("Thị");
        let given = GIVEN_WOMEN.choose(rng).copied().unwrap_or("Hoa");
        format!("{family} {middle} {given}")
    }
}

/// "Thành ủy Thủ Dầu Một" → "thành phố Thủ Dầu Một": the place an agency
/// stands for, for organisation names.
pub fn place_of(agency_name: &str) -> String {
    for (prefix, kind) in [
        ("Thành ủy ", "thành phố "),
        ("Huyện ủy ", "huyện "),
        ("Đảng ủy ", ""),
    ] {
        if let Some(rest) = agency_name.strip_prefix(prefix) {
            return format!("{kind}{rest}");
        }
    }
    agency_name.to_string()
}

/// The applicant of a dossier received at an agency named `agency_name`.
pub fn applicant(rng: &mut StdRng, kind: ApplicantKind, agency_name: &str) -> Applicant {
    let contact = format!(
        "09{} {:03} {:03}",
        rng.gen_range(0..10),
        rng.gen_range(0..1000),
        rng.gen_range(0..1000)
    );
    match kind {
        ApplicantKind::Member => Applicant {
            name: person(rng),
            kind,
            reference: Some(format!("ĐV-{:07}", rng.gen_range(0..10_000_000))),
            contact: Some(contact),
        },
        ApplicantKind::Organisation => {
            let place = place_of(agency_name);
            // Towns have quarters (khu phố), the countryside hamlets (ấp).
            let rural = place.starts_with("xã ") || place.starts_with("huyện ");
            let name = match rng.gen_range(0..3) {
                0 => format!("Đảng bộ {place}"),
                _ if rural => format!(
                    "Chi bộ ấp {}, {place}",
                    HAMLETS.choose(rng).copied().unwrap_or("1")
                ),
                _ => format!("Chi bộ Khu phố {}, {place}", rng.gen_range(1..16)),
            };
            Applicant {
                name,
                kind,
                reference: None,
                contact: Some(contact),
            }
        }
    }
}

/// The documents handed in: every required one, sometimes the optional ones,
/// each with the digest of a (notional) scanned file.
pub fn documents(
    rng: &mut StdRng,
    names: &[(String, bool)],
    dossier_tag: &str,
) -> Vec<DocumentRef> {
    let mut out = Vec::with_capacity(names.len());
    for (name, required) in names {
        if *required || rng.gen_bool(0.5) {
            out.push(DocumentRef {
                name: name.clone(),
                sha256: hex::encode(Sha256::digest(format!("{dossier_tag}/{name}").as_bytes())),
                pages: rng.gen_range(1..13),
            });
        }
    }
    out
}

// Eight of each: the same number of draws whatever the words.
const SUPPLEMENT: &[&str] = &[
    "Đề nghị bổ sung văn bản đề nghị của cấp ủy",
    "Hồ sơ thiếu chữ ký, đóng dấu của cấp ủy",
    "Đề nghị bổ sung nghị quyết của chi bộ",
    "Thiếu biên bản họp xét của cấp ủy",
    "Bản scan chưa rõ, đề nghị nộp bản gốc để đối chiếu",
    "Đề nghị bổ sung tài liệu theo danh mục thành phần hồ sơ",
    "Thông tin trong hồ sơ chưa khớp với hồ sơ đảng viên lưu trữ",
    "Đề nghị bổ sung bản sao quyết định kết nạp",
];
const REJECT_TRANSFER: &[&str] = &[
    "Hồ sơ chưa có ý kiến của chi bộ",
    "Gửi nhầm cơ quan; đề nghị chuyển đúng cơ quan thẩm định",
    "Hồ sơ chưa có tờ trình của cấp ủy",
    "Bản scan không đọc được, đề nghị gửi lại",
];
const WITHDRAW: &[&str] = &[
    "Đảng viên có đơn xin rút hồ sơ",
    "Đảng viên chuyển công tác, đề nghị dừng giải quyết",
    "Cấp ủy đề nghị rút hồ sơ để hoàn thiện lại",
    "Người nộp không bổ sung hồ sơ theo yêu cầu",
];

/// One of `list`.
fn pick(rng: &mut StdRng, list: &[&str]) -> String {
    list.choose(rng).copied().unwrap_or_default().to_string()
}

/// Why documents are missing.
pub fn supplement_reason(rng: &mut StdRng) -> String {
    pick(rng, SUPPLEMENT)
}

/// Why a destination sends a transfer back.
pub fn reject_reason(rng: &mut StdRng) -> String {
    pick(rng, REJECT_TRANSFER)
}

/// Why a dossier is withdrawn.
pub fn withdraw_reason(rng: &mut StdRng) -> String {
    pick(rng, WITHDRAW)
}

/// A completion note from a template with `{n}` (a document number).
pub fn note(rng: &mut StdRng, template: &str) -> String {
    template.replace("{n}", &rng.gen_range(100..1200).to_string())
}

/// The note of a transfer: the step's action ("Ban Tổ chức Tỉnh ủy thẩm
/// định…"), or the receiving committee's review for a hop outside the process.
pub fn transfer_note(step_action: Option<&str>, to_name: &str) -> String {
    match step_action {
        Some(action) => format!("Chuyển {action}"),
        None => format!("Chuyển {to_name} thẩm định, đề nghị cấp trên"),
    }
}
