// SPDX-License-Identifier: GPL-2.0-or-later
#include "ctl/table.hpp"

#include <algorithm>
#include <stdexcept>

namespace banjo {

void Table::add_row(std::vector<Cell> cells) {
    if (cells.size() != columns_.size()) throw std::logic_error("Table: a row with the wrong number of cells");
    rows_.push_back(std::move(cells));
}

std::string Table::render(const Terminal& term, bool header) const {
    std::vector<std::size_t> width(columns_.size(), 0);
    for (std::size_t c = 0; c < columns_.size(); ++c) {
        if (header) width[c] = display_width(columns_[c].title);
        for (const auto& row : rows_) width[c] = std::max(width[c], display_width(row[c].text));
    }
    auto line = [&](const std::vector<std::string>& texts, const std::vector<Colour>& colours) {
        std::string out, pending_pad;
        for (std::size_t c = 0; c < texts.size(); ++c) {
            const std::size_t pad = width[c] - display_width(texts[c]);
            if (c > 0) pending_pad += ' ';
            if (columns_[c].align == Align::right) pending_pad.append(pad, ' ');
            if (!texts[c].empty()) {
                out += pending_pad;
                pending_pad.clear();
                out += term.paint(texts[c], colours[c]);
            }
            if (columns_[c].align == Align::left) pending_pad.append(pad, ' ');
        }
        return out + "\n";
    };
    std::string out;
    if (header) {
        std::vector<std::string> titles;
        for (const auto& col : columns_) titles.push_back(col.title);
        std::string h = line(titles, std::vector<Colour>(columns_.size(), Colour::none));
        h.pop_back();
        out += (term.colour() ? term.paint(h, Colour::underline) : h) + "\n";
    }
    for (const auto& row : rows_) {
        std::vector<std::string> texts;
        std::vector<Colour> colours;
        for (const auto& cell : row) {
            texts.push_back(cell.text);
            colours.push_back(cell.colour);
        }
        out += line(texts, colours);
    }
    return out;
}

}  // namespace banjo
