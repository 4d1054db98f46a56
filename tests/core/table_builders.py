"""Build task tables in the layouts counties circulate, for the reader's tests."""

import datetime
import io

import openpyxl

HEADER = ["一级指标", "二级指标", "序号", "三级指标", "牵头单位", "责任单位", "完成时限", "备注"]

# (level1, level2, level3, lead, cooperating, deadline)
ROWS = [
    (
        "一、政府职能依法全面履行",
        "（一）加大简政放权力度",
        "全面推行审批服务“马上办、网上办”。",
        "县审批局",
        "县数据局、县直各行政执法部门",
        "2025年9月底前",
    ),
    (
        "一、政府职能依法全面履行",
        "（一）加大简政放权力度",
        "依法实施行政许可。",
        "县司法局",
        "县审批局\n县财政局",
        datetime.datetime(2025, 10, 31),
    ),
    (
        "一、政府职能依法全面履行",
        "（二）加强事中事后监管",
        "全面推行“双随机、一公开”监管。",
        "县市场监管局",
        "各乡镇（街道）",
        "长期坚持",
    ),
    (
        "二、依法行政制度体系完善",
        "（一）加强行政规范性文件监督管理",
        "严格落实合法性审核机制。",
        "县司法局",
        "",
        "2025.12.31",
    ),
]


def xlsx_bytes(build):
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "任务分工"
    build(ws)
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def standard(ws, rows=ROWS, header=HEADER, title=True, footnote=True, repeat_header_at=None):
    """附件1 + merged title, header, level-1/level-2 merged down, a footnote."""
    if title:
        ws.append(["附件1"])
        ws.append(["示范县法治政府建设示范指标体系及任务分工"])
        ws.merge_cells(start_row=2, start_column=1, end_row=2, end_column=len(header))
    ws.append(header)
    start = ws.max_row + 1
    prev = (None, None)
    serial = 0
    spans = {0: [], 1: []}
    for i, (l1, l2, l3, lead, coop, deadline) in enumerate(rows):
        if repeat_header_at is not None and i == repeat_header_at:
            ws.append(header)
        serial += 1
        r = ws.max_row + 1
        ws.append(
            [l1 if l1 != prev[0] else None, l2 if (l1, l2) != prev else None, serial, l3, lead, coop, deadline, None]
        )
        for col, value in ((0, l1), (1, (l1, l2))):
            if spans[col] and spans[col][-1][0] == value:
                spans[col][-1][2] = r
            else:
                spans[col].append([value, r, r])
        prev = (l1, l2)
    for col, items in spans.items():
        for _v, r1, r2 in items:
            if r2 > r1:
                ws.merge_cells(start_row=r1, start_column=col + 1, end_row=r2, end_column=col + 1)
    if footnote:
        ws.append(["注：牵头单位负责统筹协调和材料汇总。"])
        ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
    return start


def two_row_header(ws):
    """责任单位 spanning 牵头单位 / 配合单位 in a second header row; other headers merged down."""
    ws.append(["附件1"])
    ws.append(["一级指标", "二级指标", "三级指标（评价内容）", "责任单位", None, "完成时间"])
    ws.append([None, None, None, "牵头单位", "配合单位", None])
    for col in (1, 2, 3, 6):
        ws.merge_cells(start_row=2, start_column=col, end_row=3, end_column=col)
    ws.merge_cells(start_row=2, start_column=4, end_row=2, end_column=5)
    for l1, l2, l3, lead, coop, deadline in ROWS:
        ws.append([l1, l2, l3, lead, coop, deadline])


def section_rows(ws):
    """Level-1 titles as full-width section rows; no level-1 column."""
    header = ["二级指标", "序号", "评价内容", "牵头单位", "配合单位", "完成时限"]
    ws.append(header)
    current = None
    for l1, l2, l3, lead, coop, deadline in ROWS:
        if l1 != current:
            ws.append([l1])
            ws.merge_cells(start_row=ws.max_row, start_column=1, end_row=ws.max_row, end_column=len(header))
            current = l1
        ws.append([l2, None, l3, lead, coop, deadline])


def csv_bytes(
    rows=ROWS, encoding="utf-8", header=("一级指标", "二级指标", "三级指标", "牵头单位", "责任单位", "完成时限")
):
    import csv

    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(header)
    for l1, l2, l3, lead, coop, deadline in rows:
        if isinstance(deadline, datetime.datetime):
            deadline = deadline.date().isoformat()
        writer.writerow([l1, l2, l3, lead, coop, deadline])
    return out.getvalue().encode(encoding)


def xls_bytes():
    """A legacy .xls with a title row, merged level-1 cells and an Excel date cell."""
    import xlwt

    book = xlwt.Workbook(encoding="utf-8")
    sheet = book.add_sheet("任务分工")
    sheet.write_merge(0, 0, 0, 5, "附件1 示范县指标任务分工")
    for c, name in enumerate(["一级指标", "二级指标", "三级指标", "牵头单位", "责任单位", "完成时限"]):
        sheet.write(1, c, name)
    date_style = xlwt.easyxf(num_format_str="YYYY-MM-DD")
    sheet.write_merge(2, 4, 0, 0, ROWS[0][0])
    r = 2
    for l1, l2, l3, lead, coop, deadline in ROWS:
        if r > 4:
            sheet.write(r, 0, l1)
        sheet.write(r, 1, l2)
        sheet.write(r, 2, l3)
        sheet.write(r, 3, lead)
        sheet.write(r, 4, coop)
        if isinstance(deadline, datetime.datetime):
            sheet.write(r, 5, deadline, date_style)
        else:
            sheet.write(r, 5, deadline)
        r += 1
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()
