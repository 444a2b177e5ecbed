// SPDX-License-Identifier: GPL-2.0-or-later
// Column-aligned tables as systemctl list-units prints them: a header (underlined on a
// terminal, left out with --no-legend), cells padded to the widest, numbers right-aligned.
// Cells hold printable text (see terminal.hpp); colour is applied after the padding is counted.
#pragma once

#include "ctl/terminal.hpp"

#include <string>
#include <vector>

namespace banjo {

enum class Align { left, right };

struct Column {
    std::string title;
    Align align = Align::left;
};

struct Cell {
    std::string text;
    Colour colour = Colour::none;
    Cell(std::string t, Colour c = Colour::none) : text(std::move(t)), colour(c) {}
    Cell(const char* t, Colour c = Colour::none) : text(t), colour(c) {}
};

class Table {
public:
    explicit Table(std::vector<Column> columns) : columns_(std::move(columns)) {}

    void add_row(std::vector<Cell> cells);
    bool empty() const noexcept { return rows_.empty(); }
    std::size_t size() const noexcept { return rows_.size(); }

    // Lines ending in '\n'; no trailing spaces.
    std::string render(const Terminal& term, bool header) const;

private:
    std::vector<Column> columns_;
    std::vector<std::vector<Cell>> rows_;
};

}  // namespace banjo
