// SPDX-License-Identifier: GPL-2.0-or-later
#include "fail2ban/fail2ban_database.hpp"

#include "lib/sqlite/sqlite.hpp"

#include <set>
#include <stdexcept>

namespace banjo {

namespace {

// Lines kept of one ban: fail2ban keeps 10 (dbmaxmatches); a file edited to hold more is cut.
constexpr std::size_t max_matches = 1000;

std::set<std::string> names(sqlite::Database& db, const char* sql) {
    std::set<std::string> out;
    auto s = db.prepare(sql);
    while (s.step()) out.emplace(s.column_text(0));
    return out;
}

class DataParser {
public:
    explicit DataParser(sqlite::Database& db)
        : fields_(db.prepare("SELECT CASE WHEN json_valid(?1) THEN json_extract(?1, '$.failures') END, "
                             "CASE WHEN json_valid(?1) AND json_type(?1, '$.matches') = 'array' "
                             "THEN json_extract(?1, '$.matches') END")),
          // A match is a line, or the parts of one (fail2ban joins them).
          matches_(db.prepare("SELECT CASE WHEN m.type = 'array' THEN "
                              "(SELECT group_concat(p.value, '') FROM json_each(m.value) AS p) "
                              "ELSE m.value END FROM json_each(?1) AS m ORDER BY m.key")) {}

    void parse(std::string_view data, Fail2banBanRow& row) {
        fields_.bind(1, data);
        std::string matches;
        bool have_failures = false;
        if (fields_.step()) {
            have_failures = !fields_.column_is_null(0);
            if (have_failures) row.failures = fields_.column_int64(0);
            if (!fields_.column_is_null(1)) matches = std::string(fields_.column_text(1));
        }
        fields_.reset();
        if (!matches.empty()) {
            matches_.bind(1, matches);
            while (matches_.step())
                if (!matches_.column_is_null(0)) row.matches.emplace_back(matches_.column_text(0));
            matches_.reset();
            if (row.matches.size() > max_matches)
                row.matches.erase(row.matches.begin(), row.matches.end() - static_cast<std::ptrdiff_t>(max_matches));
        }
        if (!have_failures) row.failures = static_cast<std::int64_t>(row.matches.size());
    }

private:
    sqlite::Statement fields_;
    sqlite::Statement matches_;
};

void read_table(sqlite::Database& db, DataParser& parser, const std::string& table, bool latest_only,
                std::vector<Fail2banBanRow>& out) {
    // Column names come from here, never from the file: fail2ban before 0.11 lacks bantime
    // and bancount.
    const auto columns = names(db, ("SELECT name FROM pragma_table_info('" + table + "')").c_str());
    for (const char* needed : {"jail", "ip", "timeofban"})
        if (!columns.count(needed)) throw std::runtime_error("table " + table + " has no column " + needed);
    const std::string sql = "SELECT jail, ip, timeofban, " +
                            std::string(columns.count("bantime") ? "bantime" : "NULL") + ", " +
                            (columns.count("bancount") ? "bancount" : "1") + ", " +
                            (columns.count("data") ? "CAST(data AS TEXT)" : "NULL") + " FROM " + table;
    auto s = db.prepare(sql);
    while (s.step()) {
        Fail2banBanRow row;
        row.jail = std::string(s.column_text(0));
        row.ip = std::string(s.column_text(1));
        row.time_of_ban = s.column_int64(2);
        if (!s.column_is_null(3)) row.bantime = s.column_int64(3);
        row.ban_count = s.column_is_null(4) ? 1 : s.column_int64(4);
        row.latest_only = latest_only;
        if (!s.column_is_null(5)) parser.parse(s.column_text(5), row);
        out.push_back(std::move(row));
    }
}

}  // namespace

std::vector<Fail2banBanRow> read_fail2ban_bans(const std::string& path) {
    try {
        auto db = sqlite::Database::open_read_only(path);
        db.set_busy_timeout_ms(5000);   // fail2ban writing a ban at this moment
        const auto tables = names(db, "SELECT name FROM sqlite_master WHERE type = 'table'");
        if (!tables.count("bans"))
            throw std::runtime_error("not fail2ban's database (it has no table bans)");
        DataParser parser(db);
        std::vector<Fail2banBanRow> rows;
        read_table(db, parser, "bans", false, rows);
        if (tables.count("bips")) read_table(db, parser, "bips", true, rows);
        return rows;
    } catch (const sqlite::Error& e) {
        throw std::runtime_error(e.what());   // names the file already
    } catch (const std::runtime_error& e) {
        throw std::runtime_error(path + ": " + e.what());
    }
}

}  // namespace banjo
