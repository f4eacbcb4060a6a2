"""What botocore rebuilds for every session and client, built once per process and shared instead.

A scan builds a client per service and region, a multi-account scan a session per account, and the test
suite thousands of both. botocore parsed the service models, built the client class, the ``ServiceModel``,
the aliased event names and the handler checks, and copied the session's whole handler trie, afresh for
each one. Each patch here is installed only where botocore's internals are where they were; otherwise
botocore keeps its own way.
"""

from __future__ import annotations

import inspect
import threading
import types
from typing import Any

import botocore.client
import botocore.hooks
import botocore.loaders
import botocore.model
import botocore.regions
import botocore.utils


class _ModelLoader(botocore.loaders.Loader):
    """botocore's loader, loading each service model once per process and keeping it without its
    documentation.

    botocore's own cache is not thread-safe: two threads building the first clients of a service (two
    regions, two accounts) both parsed its model and kept a copy each. Here one thread loads and the others
    wait for its copy. A scan reads about 60 service models, about 90 MB once parsed; a fifth of that is
    the text of the API reference, which only docstrings and generated documentation read. Dropping it as
    each model is loaded (about 1 ms per model) keeps it out of every client built from the model.
    """

    def __init__(self) -> None:
        super().__init__()
        self._models: dict[tuple[str, str, str | None], Any] = {}
        # Loading is CPU-bound under the GIL, so one lock for every model costs no parallelism.
        self._loading = threading.RLock()

    def load_service_model(self, service_name: str, type_name: str, api_version: str | None = None) -> Any:
        key = (service_name, type_name, api_version)
        with self._loading:
            if key not in self._models:
                model = super().load_service_model(service_name, type_name, api_version=api_version)
                if type_name == "service-2" and isinstance(model, dict):
                    _drop_documentation(model)
                self._models[key] = model
            return self._models[key]


def _drop_documentation(model: dict[str, Any]) -> None:
    """Remove the reference text of a service model in place: the service's, each operation's and
    shape's, and each member's (where nearly all of it is)."""
    model.pop("documentation", None)
    for section in ("operations", "shapes"):
        for node in (model.get(section) or {}).values():
            if not isinstance(node, dict):
                continue
            node.pop("documentation", None)
            for member in (node.get("members") or {}).values():
                if isinstance(member, dict):
                    member.pop("documentation", None)
            for key in ("input", "output", "member", "key", "value"):
                ref = node.get(key)
                if isinstance(ref, dict):
                    ref.pop("documentation", None)


# botocore's service models are large (EC2's alone is tens of MB once parsed) and identical for every
# session: one loader for the whole process, so scanning many accounts loads each model once.
SHARED_LOADER = _ModelLoader()


# botocore builds a new client class, with one method per operation, for every client it creates: about
# 30 ms for EC2's 700 operations, a quarter of a one-check scan's CPU, and again for every region and
# every account of a scan. The class depends only on the service model and on the handlers of the
# ``creating-client-class`` event (boto3 adds its transfer methods to S3's there), so a client whose model
# comes from the shared loader gets the class already built for the same model and handlers.
_build_client_class = getattr(botocore.client.ClientCreator, "_create_client_class", None)
_CLIENT_CLASSES: dict[tuple[Any, ...], type] = {}


def _client_class(creator: botocore.client.ClientCreator, service_name: str, service_model: Any) -> type:
    try:
        if creator._loader is not SHARED_LOADER:
            raise LookupError("a model of another loader")
        events = creator._event_emitter
        event = events._alias_event_name(f"creating-client-class.{service_model.service_id.hyphenize()}")
        handlers = tuple(events._emitter._handlers.prefix_search(event))
    except (AttributeError, LookupError):  # another loader, or a botocore whose internals moved: no sharing
        return _build_client_class(creator, service_name, service_model)
    key = (service_name, service_model.api_version, handlers)
    found = _CLIENT_CLASSES.get(key)
    if found is None:
        found = _CLIENT_CLASSES.setdefault(key, _build_client_class(creator, service_name, service_model))
    return found


if _build_client_class is not None:  # a botocore whose internals moved builds its classes its own way
    botocore.client.ClientCreator._create_client_class = _client_class


# Each client also got its own ``ServiceModel`` over the shared model: its caches (operation models, and
# the endpoint-discovery lookup, which builds an operation model for every operation of the service,
# about 10 to 25 ms for IAM, EC2 or Lambda) started empty for every client. The model is read-only after
# it is built, so clients whose model comes from the shared loader share one ``ServiceModel`` as well.
_build_service_model = getattr(botocore.client.ClientCreator, "_load_service_model", None)
_SERVICE_MODELS: dict[tuple[str, int], botocore.model.ServiceModel] = {}


def _service_model(creator: botocore.client.ClientCreator, service_name: str,
                   api_version: str | None = None) -> botocore.model.ServiceModel:
    if getattr(creator, "_loader", None) is not SHARED_LOADER:
        return _build_service_model(creator, service_name, api_version)
    document = SHARED_LOADER.load_service_model(service_name, "service-2", api_version=api_version)
    # The shared loader keeps every document for the life of the process, so its id names it.
    key = (service_name, id(document))
    found = _SERVICE_MODELS.get(key)
    if found is None:
        found = _SERVICE_MODELS.setdefault(key, botocore.model.ServiceModel(document, service_name=service_name))
    return found


if _build_service_model is not None:  # a botocore whose internals moved builds its models its own way
    botocore.client.ClientCreator._load_service_model = _service_model


# Every botocore session registers about 140 built-in handlers and every client a few dozen more. For
# each one botocore works out the event's aliased name (a walk of its alias table, cached per emitter, so
# each new session starts cold) and inspects the handler's signature for ``**kwargs``: together most of
# the 12 ms a session took, which a multi-account scan, and the test suite, pay thousands of times. The
# aliased name depends only on the event's name and the handler's signature only on its code.
_alias_event_name = getattr(getattr(botocore.hooks, "EventAliaser", None), "_alias_event_name", None)
_ALIASED_EVENTS: dict[str, str] = {}


def _aliased_event_name(emitter: botocore.hooks.EventAliaser, event_name: str) -> str:
    if getattr(emitter, "_event_aliases", None) is not botocore.utils.EVENT_ALIASES:  # its own: botocore's way
        return _alias_event_name(emitter, event_name)
    found = _ALIASED_EVENTS.get(event_name)
    if found is None:
        found = _ALIASED_EVENTS.setdefault(event_name, _alias_event_name(emitter, event_name))
    return found


_accepts_kwargs = getattr(botocore.hooks, "accepts_kwargs", None)


def _takes_kwargs(handler: Any) -> bool:
    """What ``inspect.getfullargspec(handler).varkw`` says, read from the code's flags for a plain function
    or method (anything else, or a function with a signature of its own, goes to inspect)."""
    function = getattr(handler, "__func__", handler)
    code = getattr(function, "__code__", None)
    if code is None or not isinstance(function, types.FunctionType) or hasattr(function, "__signature__"):
        return _accepts_kwargs(handler)
    return bool(code.co_flags & inspect.CO_VARKEYWORDS)


# Only where botocore's internals are where they were; otherwise botocore keeps its own way.
if _alias_event_name is not None:
    botocore.hooks.EventAliaser._alias_event_name = _aliased_event_name
if _accepts_kwargs is not None:
    botocore.hooks.accepts_kwargs = _takes_kwargs


# Each client also parsed its service's endpoint rules (hundreds of rule objects for S3 or EC2) into an
# ``EndpointProvider`` of its own: a tenth of a client's CPU. A provider holds nothing but the parsed
# rules and a cache of resolved endpoints, so clients built from the same rules and partitions share one.
_build_endpoint_provider = getattr(botocore.regions, "EndpointProvider", None)
# id of the rules, id of the partitions, excluded parameters -> (rules, partitions, provider); the entry
# keeps both documents alive, so their ids cannot name other documents while it exists.
_ENDPOINT_PROVIDERS: dict[tuple[int, int, frozenset[str]], tuple[Any, Any, Any]] = {}


def _endpoint_provider(ruleset_data: Any, partition_data: Any, excluded_params: Any = None) -> Any:
    key = (id(ruleset_data), id(partition_data), frozenset(excluded_params or ()))
    found = _ENDPOINT_PROVIDERS.get(key)
    if found is None:
        provider = _build_endpoint_provider(ruleset_data=ruleset_data, partition_data=partition_data,
                                            excluded_params=excluded_params)
        found = _ENDPOINT_PROVIDERS.setdefault(key, (ruleset_data, partition_data, provider))
    return found[2]


if _build_endpoint_provider is not None and hasattr(botocore.regions, "EndpointRulesetResolver"):
    botocore.regions.EndpointProvider = _endpoint_provider


# botocore copies the session's whole handler trie, about 400 nodes, for every client it builds (so that
# the client's own handlers stay its own): a fifth of a client's CPU and most of its memory, about 80 KB.
# The trie is copied on write instead. A copy shares every node with its original; after that, whichever
# of the two registers or unregisters a handler first copies the nodes on that handler's path, and owns
# them from then on. Reads (``prefix_search``) are botocore's own.
_Trie = getattr(botocore.hooks, "_PrefixTrie", None)
_NodeList = getattr(botocore.hooks, "NodeList", None)
_trie_append = getattr(_Trie, "append_item", None)
_trie_remove = getattr(_Trie, "remove_item", None)
_trie_copy = getattr(_Trie, "__copy__", None)
_MIDDLE = getattr(botocore.hooks, "_MIDDLE", 1)


def _owned_node(owned: dict[int, dict[str, Any]], node: dict[str, Any]) -> dict[str, Any]:
    """``node`` itself if this trie owns it, else this trie's own copy of it (its children and handler
    lists copied, the handlers themselves not)."""
    if owned.get(id(node)) is node:
        return node
    mine = dict(node)
    mine["children"] = dict(node["children"])
    values = node["values"]
    if values is not None:
        mine["values"] = _NodeList(list(values.first), list(values.middle), list(values.last))
    owned[id(mine)] = mine  # kept alive here, so its id names it for as long as the entry exists
    return mine


def _own_path(trie: Any, key: str, owned: dict[int, dict[str, Any]], *, create: bool) -> dict[str, Any]:
    """Make every node on ``key``'s path the trie's own, the missing ones made new if ``create``; the last
    node reached."""
    node = trie._root = _owned_node(owned, trie._root)
    for part in key.split("."):
        child = node["children"].get(part)
        if child is None:
            if not create:
                return node
            child = {"chunk": part, "values": None, "children": {}}
            owned[id(child)] = child  # new: its own from the start
        else:
            child = _owned_node(owned, child)
        node["children"][part] = child
        node = child
    return node


def _append_item(trie: Any, key: str, value: Any, section: int = _MIDDLE) -> None:
    owned = trie.__dict__.get("_owned")
    if owned is None:  # never copied nor copied from: every node is its own
        _trie_append(trie, key, value, section)
        return
    node = _own_path(trie, key, owned, create=True)
    if node["values"] is None:
        node["values"] = _NodeList([], [], [])
    node["values"][section].append(value)


def _remove_item(trie: Any, key: str, value: Any) -> None:
    owned = trie.__dict__.get("_owned")
    if owned is not None:
        _own_path(trie, key, owned, create=False)
    _trie_remove(trie, key, value)


def _copy_trie(trie: Any) -> Any:
    copied = trie.__class__.__new__(trie.__class__)
    copied.__dict__.update(trie.__dict__)
    # From now on both share every node: neither owns any.
    copied._owned = {}
    trie._owned = {}
    return copied


if None not in (_Trie, _NodeList, _trie_append, _trie_remove, _trie_copy):
    _Trie.append_item = _append_item
    _Trie.remove_item = _remove_item
    _Trie.__copy__ = _copy_trie
