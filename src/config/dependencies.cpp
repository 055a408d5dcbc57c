#include "config/validate.hpp"

#include <map>

namespace warden::config {

namespace {

enum class mark { unvisited, on_path, done };

// Depth-first search; an edge back to a program on the current path closes
// a cycle, reported from that program (its depends_on line) round to itself.
class cycle_finder {
public:
    cycle_finder(std::vector<dependency_node> const& nodes, std::vector<diagnostic>& diags)
        : nodes_(nodes), diags_(diags)
    {
        for (std::size_t i = 0; i < nodes.size(); ++i)
            index_.emplace(nodes[i].program, i);
    }

    void run()
    {
        marks_.assign(nodes_.size(), mark::unvisited);
        for (std::size_t i = 0; i < nodes_.size(); ++i)
            if (marks_[i] == mark::unvisited)
                visit(i);
    }

private:
    void visit(std::size_t i)
    {
        marks_[i] = mark::on_path;
        path_.push_back(i);
        for (auto const& dep : nodes_[i].depends_on) {
            auto const found = index_.find(dep);
            if (found == index_.end())
                continue; // unknown names are reported separately
            std::size_t const j = found->second;
            if (marks_[j] == mark::on_path)
                report(j);
            else if (marks_[j] == mark::unvisited)
                visit(j);
        }
        path_.pop_back();
        marks_[i] = mark::done;
    }

    void report(std::size_t start)
    {
        std::string chain;
        bool in_cycle = false;
        for (std::size_t k : path_) {
            in_cycle = in_cycle || k == start;
            if (in_cycle)
                chain += nodes_[k].program + " -> ";
        }
        chain += nodes_[start].program;
        diags_.push_back({severity::error, nodes_[start].where, "depends_on cycle: " + chain});
    }

    std::vector<dependency_node> const& nodes_;
    std::vector<diagnostic>& diags_;
    std::map<std::string, std::size_t> index_;
    std::vector<mark> marks_;
    std::vector<std::size_t> path_;
};

} // namespace

void check_dependencies(std::vector<dependency_node> const& nodes, std::vector<diagnostic>& diags)
{
    std::map<std::string, bool> known;
    for (auto const& n : nodes)
        known.emplace(n.program, true);
    for (auto const& n : nodes)
        for (auto const& dep : n.depends_on)
            if (!known.count(dep))
                diags.push_back({severity::error, n.where,
                                 "depends_on: unknown program '" + dep + "'"});
    cycle_finder(nodes, diags).run();
}

} // namespace warden::config
