#include "rpc/dispatcher.hpp"

#include "rpc/faults.hpp"

#include <memory>

namespace warden::rpc {

using xmlrpc::array;
using xmlrpc::structure;
using xmlrpc::value;

std::optional<std::string> params::string(std::size_t i) const
{
    if (i >= p_.size())
        return std::nullopt;
    if (auto const* s = p_[i].get<std::string>())
        return *s;
    return std::nullopt;
}

std::optional<long long> params::integer(std::size_t i) const
{
    if (i >= p_.size())
        return std::nullopt;
    if (auto const* n = p_[i].get<std::int32_t>())
        return *n;
    return std::nullopt;
}

std::optional<bool> params::boolean(std::size_t i, bool fallback) const
{
    if (i >= p_.size())
        return fallback;
    if (auto const* b = p_[i].get<bool>())
        return *b;
    if (auto const* n = p_[i].get<std::int32_t>())
        return *n != 0;
    return std::nullopt;
}

dispatcher::dispatcher()
{
    add({"system.listMethods", {"array"}, "Return an array listing the available method names", 0, 0,
         [this](params const&, result_fn done) {
             array names;
             for (auto const& [name, m] : methods_)
                 names.emplace_back(name);
             done(value(std::move(names)));
         }});
    add({"system.methodHelp", {"string", "string"}, "Return a string showing the method's documentation", 1, 1,
         [this](params const& p, result_fn done) {
             auto const name = p.string(0);
             auto it = name ? methods_.find(*name) : methods_.end();
             if (it == methods_.end())
                 return done(make_fault(faults::signature_unsupported));
             done(value(it->second.help));
         }});
    add({"system.methodSignature", {"array", "string"},
         "Return an array describing the method signature in the form [rtype, ptype, ptype...]", 1, 1,
         [this](params const& p, result_fn done) {
             auto const name = p.string(0);
             auto it = name ? methods_.find(*name) : methods_.end();
             if (it == methods_.end() || it->second.signature.empty())
                 return done(make_fault(faults::signature_unsupported));
             array types;
             for (auto const& t : it->second.signature)
                 types.emplace_back(t);
             done(value(std::move(types)));
         }});
    add({"system.multicall", {"array", "array"},
         "Process an array of calls, and return an array of results. Calls should be structs of the form "
         "{'methodName': string, 'params': array}. Each result will either be a single-item array containing the "
         "result value, or a struct of the form {'faultCode': int, 'faultString': string}.",
         1, 1, [this](params const& p, result_fn done) {
             auto const* calls = p.at(0).get<array>();
             if (!calls)
                 return done(make_fault(faults::incorrect_parameters));
             multicall(*calls, std::move(done));
         }});
}

void dispatcher::add(method m)
{
    auto name = m.name;
    methods_.insert_or_assign(std::move(name), std::move(m));
}

void dispatcher::call(std::string const& name, array const& args, result_fn done) const
{
    // supervisord allows exactly "namespace.method", and nothing private.
    auto const dot = name.find('.');
    if (dot == std::string::npos || name.find('.', dot + 1) != std::string::npos || name[dot + 1] == '_')
        return done(make_fault(faults::unknown_method));
    auto const it = methods_.find(name);
    if (it == methods_.end())
        return done(make_fault(faults::unknown_method));
    if (args.size() < it->second.min_params || args.size() > it->second.max_params)
        return done(make_fault(faults::incorrect_parameters));
    it->second.call(params(args), std::move(done));
}

// One call after another, each waiting for the one before (as supervisord
// runs at most one deferred callback of a multicall at a time), so that
// `update`'s stop-then-remove sequences keep their order.
void dispatcher::multicall(array calls, result_fn done) const
{
    struct run : std::enable_shared_from_this<run> {
        dispatcher const* self;
        array calls;
        std::size_t next = 0;
        array results;
        result_fn done;

        void step()
        {
            while (next < calls.size()) {
                auto const& c = calls[next++];
                auto const* name = c.member("methodName");
                auto const* args = c.member("params");
                auto record = [me = shared_from_this()](outcome o) {
                    if (auto const* f = std::get_if<xmlrpc::fault>(&o))
                        me->results.emplace_back(structure{{"faultCode", f->code}, {"faultString", f->text}});
                    else
                        me->results.emplace_back(array{std::get<value>(std::move(o))});
                };
                if (!name || !name->is<std::string>()) {
                    record(make_fault(faults::incorrect_parameters, "No methodName"));
                    continue;
                }
                if (*name->get<std::string>() == "system.multicall") {
                    record(make_fault(faults::incorrect_parameters, "Recursive system.multicall forbidden"));
                    continue;
                }
                array const none;
                auto const* list = args ? args->get<array>() : &none;
                if (!list) {
                    record(make_fault(faults::incorrect_parameters));
                    continue;
                }
                // The next call starts when this one has answered; an
                // answer given at once continues the loop instead of
                // recursing.
                struct flags {
                    bool answered = false;
                    bool returned = false;
                };
                auto f = std::make_shared<flags>();
                self->call(*name->get<std::string>(), *list, [me = shared_from_this(), record, f](outcome o) {
                    record(std::move(o));
                    if (f->returned) {
                        me->step();
                        return;
                    }
                    f->answered = true;
                });
                f->returned = true;
                if (!f->answered)
                    return; // deferred: its answer calls step()
            }
            auto finish = std::move(done);
            done = nullptr;
            if (finish)
                finish(value(std::move(results)));
        }
    };
    auto r = std::make_shared<run>();
    r->self = this;
    r->calls = std::move(calls);
    r->done = std::move(done);
    r->step();
}

} // namespace warden::rpc
