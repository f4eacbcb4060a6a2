"""botocore's service models are loaded once per process, whatever the sessions, regions and threads, and kept
without their reference text; clients built from them still serialize and parse as before."""

from __future__ import annotations

import threading
from collections import Counter

import botocore.loaders
from botocore.stub import Stubber

from scanner.botocore_sharing import SHARED_LOADER
from scanner.collect import Collector
from scanner.session import make_session


def test_each_model_file_is_read_once_across_sessions_regions_and_threads(monkeypatch):
    reads: Counter[str] = Counter()
    real = botocore.loaders.JSONFileLoader.load_file

    def counting(self, file_path):
        reads[file_path] += 1
        return real(self, file_path)

    monkeypatch.setattr(botocore.loaders.JSONFileLoader, "load_file", counting)
    # A service no other test of this process is likely to have loaded yet, so its files are read here.
    collectors = [Collector(make_session(None)) for _ in range(2)]
    barrier = threading.Barrier(8)

    def build(n: int) -> None:
        barrier.wait()
        collector = collectors[n % 2]
        for region in ("us-east-1", "eu-west-1", "ap-southeast-2"):
            collector.client("kafka", region)
            collector.client("glue", region)

    threads = [threading.Thread(target=build, args=(n,)) for n in range(8)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # The models themselves (botocore also probes for optional "-extras" files that do not exist).
    model_reads = {path: n for path, n in reads.items()
                   if ("/kafka/" in path or "/glue/" in path) and path.endswith(("service-2", "endpoint-rule-set-1"))}
    assert len(model_reads) == 4, model_reads
    assert all(n == 1 for n in model_reads.values()), model_reads
    for collector in collectors:
        collector.close()


def test_models_carry_no_reference_text_and_clients_still_work():
    model = SHARED_LOADER.load_service_model("s3", "service-2")
    assert "documentation" not in model
    assert not any("documentation" in shape for shape in model["shapes"].values())
    assert not any("documentation" in member for shape in model["shapes"].values()
                   for member in (shape.get("members") or {}).values())
    # The rest of the model is whole: the same shapes and operations as botocore's own copy.
    plain = botocore.loaders.Loader().load_service_model("s3", "service-2")
    assert model["operations"].keys() == plain["operations"].keys()
    assert model["shapes"].keys() == plain["shapes"].keys()

    client = make_session(None).client("s3", region_name="us-east-1")
    with Stubber(client) as stub:
        stub.add_response("get_bucket_versioning", {"Status": "Enabled", "MFADelete": "Disabled"},
                          {"Bucket": "b"})
        assert client.get_bucket_versioning(Bucket="b")["Status"] == "Enabled"


def test_timestamps_parse_as_botocore_parses_them():
    import botocore.utils

    from scanner.session import parse_timestamp

    for text in ("2026-12-01T11:12:15Z", "2026-12-01T11:12:15.250Z", "2026-12-01T11:12:15+02:00",
                 "2026-12-01T11:12:15.123456789Z", "2026-12-01T11:12:15", "Tue, 01 Dec 2026 11:12:15 GMT",
                 "1764587535", 1764587535.5):
        ours, theirs = parse_timestamp(text), botocore.utils.parse_timestamp(text)
        assert ours == theirs, text
        assert (ours.utcoffset(), ours.tzinfo is None) == (theirs.utcoffset(), theirs.tzinfo is None), text


def test_a_scan_session_parses_answers_with_the_fast_timestamp_parser(aws):
    import boto3

    aws.client("iam").create_user(UserName="alice")
    ours = make_session(None).client("iam").list_users()["Users"][0]["CreateDate"]
    plain = boto3.Session(region_name="us-east-1").client("iam").list_users()["Users"][0]["CreateDate"]
    assert ours == plain and ours.utcoffset() == plain.utcoffset()
    assert type(ours.tzinfo) is not type(plain.tzinfo)  # the fast path answered, not dateutil


def test_client_classes_are_shared_only_for_the_same_model_and_class_handlers():
    one, two = make_session(None), make_session(None)
    ec2 = one.client("ec2", region_name="us-east-1")
    # Another session and region: the same class, and still each client's own region and events.
    other = two.client("ec2", region_name="eu-west-1")
    assert type(other) is type(ec2)
    assert (ec2.meta.region_name, other.meta.region_name) == ("us-east-1", "eu-west-1")
    assert ec2.meta.events is not other.meta.events

    # A session whose handlers change the class gets a class of its own, with what its handler added.
    def add_marker(class_attributes, **_):
        class_attributes["marked"] = True

    three = make_session(None)
    three.events.register("creating-client-class.ec2", add_marker)
    marked = three.client("ec2", region_name="us-east-1")
    assert type(marked) is not type(ec2) and marked.marked is True
    assert not hasattr(one.client("ec2", region_name="ap-southeast-2"), "marked")

    # A session with a loader of its own (another set of models) builds its own classes.
    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", botocore.loaders.Loader())
    own = boto3.Session(botocore_session=core, region_name="us-east-1").client("ec2")
    assert type(own) is not type(ec2)


def test_clients_of_the_shared_models_share_one_service_model(aws):
    one, two = make_session(None), make_session(None)
    functions = one.client("lambda", region_name="us-east-1")
    other = two.client("lambda", region_name="eu-west-1")
    # One ServiceModel, so what it worked out once (operation models, the endpoint-discovery lookup) holds
    # for every client; each client still signs for its own region and answers its own calls.
    assert functions.meta.service_model is other.meta.service_model
    model = functions.meta.service_model
    assert model.operation_model("ListFunctions") is other.meta.service_model.operation_model("ListFunctions")
    assert (functions.meta.region_name, other.meta.region_name) == ("us-east-1", "eu-west-1")
    aws.client("sqs", region_name="eu-west-1").create_queue(QueueName="shared-model")
    queues = two.client("sqs", region_name="eu-west-1"), one.client("sqs", region_name="us-east-1")
    assert queues[0].meta.service_model is queues[1].meta.service_model
    assert [len(q.list_queues().get("QueueUrls", [])) for q in queues] == [1, 0]
    assert one.client("sts").meta.service_model is not model

    import boto3
    import botocore.session

    core = botocore.session.Session()
    core.register_component("data_loader", botocore.loaders.Loader())
    own = boto3.Session(botocore_session=core, region_name="us-east-1").client("lambda")
    assert own.meta.service_model is not model


def test_every_session_and_moto_share_model_loaders_in_a_demo_process(monkeypatch):
    # The demo and the test suite share one loader among all botocore sessions, moto's included, and one
    # among moto's service models (scanner.demo); without the second every model moto parses walks
    # botocore's data directories again (about 65 ms a service).
    import os

    import boto3
    import botocore.loaders
    import botocore.session
    import moto.core.loaders
    import moto.core.utils

    from scanner.demo import share_service_models
    from scanner.session import botocore_session

    monkeypatch.setattr(moto.core.utils, "create_loader", moto.core.loaders.create_loader)
    monkeypatch.setattr(botocore.session, "create_loader", botocore.loaders.create_loader)
    assert moto.core.utils.create_loader() is not moto.core.utils.create_loader()
    assert botocore.session.Session().get_component("data_loader") is not botocore_session().get_component(
        "data_loader")
    share_service_models()
    share_service_models()  # a second call changes nothing
    scanners = botocore_session().get_component("data_loader")
    assert botocore.session.Session().get_component("data_loader") is scanners
    assert boto3.Session().client("sqs", region_name="eu-west-1").meta.service_model.service_name == "sqs"
    # a session told to read models from elsewhere still does
    elsewhere = botocore.session.Session()
    elsewhere.set_config_variable("data_path", "/nonexistent-models")
    assert elsewhere.get_component("data_loader") is not scanners
    loader = moto.core.utils.create_loader()
    assert loader is moto.core.utils.create_loader()
    assert isinstance(loader, moto.core.loaders.Loader)  # moto's own class, with its extras

    listed: list[str] = []
    real_listdir = os.listdir
    monkeypatch.setattr(os, "listdir", lambda path=".": listed.append(str(path)) or real_listdir(path))
    assert moto.core.utils._load_service_model("sqs", "service-2")["metadata"]["serviceId"] == "SQS"
    first = [p for p in listed if p in loader.search_paths]
    listed.clear()
    assert moto.core.utils._load_service_model("sns", "service-2")["metadata"]["serviceId"] == "SNS"
    assert first and not [p for p in listed if p in loader.search_paths]


def test_event_names_and_handler_checks_are_botocore_s_answers():
    # scanner.session keeps botocore's aliased event names for the process and reads **kwargs from the
    # handler's code: the answers must be the ones botocore would give, new session or not.
    import functools
    import inspect

    import botocore.handlers
    import botocore.hooks
    from botocore.utils import EVENT_ALIASES

    from scanner import botocore_sharing as scanner_session

    names = ["before-call.apigateway.GetRestApis", "before-parameter-build.s3.PutObject", "needs-retry.ec2",
             "creating-client-class.api.sagemaker", "provide-client-params.elasticloadbalancing.DescribeTags",
             "before-sign.cognito-identity"]
    for name in names:
        fresh = botocore.hooks.EventAliaser(botocore.hooks.HierarchicalEmitter())
        assert fresh._alias_event_name(name) == scanner_session._alias_event_name(fresh, name)
    assert botocore.hooks.EventAliaser(botocore.hooks.HierarchicalEmitter())._alias_event_name(
        "before-call.apigateway.GetRestApis") == "before-call.api-gateway.GetRestApis"
    own = botocore.hooks.EventAliaser(botocore.hooks.HierarchicalEmitter(), event_aliases={"thing": "other"})
    assert own._alias_event_name("before-call.thing.Get") == "before-call.other.Get"
    assert own._event_aliases is not EVENT_ALIASES

    class Handler:
        def method(self, **kwargs): ...
        def strict(self, request): ...
        def __call__(self, **kwargs): ...

    def signed(**kwargs): ...
    signed.__signature__ = inspect.Signature([inspect.Parameter("x", inspect.Parameter.POSITIONAL_OR_KEYWORD)])

    handlers = [h[1] for h in botocore.handlers.BUILTIN_HANDLERS] + [
        Handler().method, Handler().strict, Handler(), lambda request: None, lambda **kw: None,
        functools.partial(lambda a, **kw: None, 1), functools.partial(lambda a, b: None, 1), signed, print]
    for handler in handlers:
        try:
            expected = bool(inspect.getfullargspec(handler).varkw)
        except TypeError:
            continue
        assert bool(botocore.hooks.accepts_kwargs(handler)) is expected, handler
    assert botocore.hooks.accepts_kwargs is scanner_session._takes_kwargs


def test_copied_handler_tries_answer_as_botocore_s_own_copies():
    # scanner.botocore_sharing copies botocore's handler trie on write. Random registrations, removals and
    # copies (as sessions and clients make them) on one family of tries, and the same on a family using
    # botocore's own methods: every trie must find the same handlers, in the same order, for every event.
    import random

    import botocore.hooks

    from scanner import botocore_sharing as sharing

    keys = ["before-call", "before-call.s3", "before-call.s3.ListBuckets", "before-call.*.ListBuckets",
            "before-call.ec2.*", "after-call.s3", "needs-retry.s3.ListBuckets", "needs-retry", "a.b.c.d"]
    queries = keys + ["before-call.s3.GetObject", "before-call.ec2.ListBuckets", "needs-retry.iam", "x"]
    rng = random.Random(20261201)
    ours = [botocore.hooks._PrefixTrie()]
    theirs = [botocore.hooks._PrefixTrie()]
    for step in range(800):
        n = rng.randrange(len(ours))
        action = rng.random()
        if action < 0.1 and len(ours) < 8:
            ours.append(ours[n].__copy__())
            theirs.append(sharing._trie_copy(theirs[n]))
            continue
        key, value = rng.choice(keys), rng.randrange(6)
        if action < 0.7:
            section = rng.randrange(3)
            ours[n].append_item(key, value, section)
            sharing._trie_append(theirs[n], key, value, section)
        else:
            outcomes = []
            for trie, remove in ((ours[n], ours[n].remove_item), (theirs[n], None)):
                try:
                    remove(key, value) if remove else sharing._trie_remove(trie, key, value)
                    outcomes.append("removed")
                except (ValueError, AttributeError) as exc:
                    outcomes.append(type(exc).__name__)
            assert outcomes[0] == outcomes[1], (step, key, value, outcomes)
        for mine, reference in zip(ours, theirs, strict=True):
            for query in queries:
                assert list(mine.prefix_search(query)) == list(reference.prefix_search(query)), (step, query)
    assert botocore.hooks._PrefixTrie.__copy__ is sharing._copy_trie
    assert len(ours) == 8


def test_a_client_shares_the_session_s_handlers_until_either_registers_its_own():
    session = make_session(None)
    session.events.register("wa-scan-test.sqs.ListQueues", lambda **_: "session, before the client")
    client = session.client("sqs", region_name="us-east-1")
    client.meta.events.register("wa-scan-test.sqs.ListQueues", lambda **_: "client")
    session.events.register("wa-scan-test.sqs.ListQueues", lambda **_: "session, after the client")

    def answers(events) -> list[str]:
        return [answer for _, answer in events.emit("wa-scan-test.sqs.ListQueues") if isinstance(answer, str)]

    assert answers(client.meta.events) == ["session, before the client", "client"]
    assert answers(session.events) == ["session, before the client", "session, after the client"]
    later = session.client("sqs", region_name="us-east-1")
    assert answers(later.meta.events) == ["session, before the client", "session, after the client"]


def test_clients_of_the_same_endpoint_rules_share_one_provider_and_resolve_their_own_region():
    session = make_session(None)
    east, west = (session.client("s3", region_name=region) for region in ("us-east-1", "eu-west-1"))
    other = make_session(None).client("s3", region_name="eu-west-1")
    queues = session.client("sqs", region_name="eu-west-1")
    providers = [c._ruleset_resolver._provider for c in (east, west, other, queues)]
    assert providers[0] is providers[1] is providers[2]
    assert providers[3] is not providers[0]
    assert providers[0]._excluded_params and not providers[3]._excluded_params  # S3's own, as botocore builds it
    with Stubber(west) as stub:
        stub.add_response("list_buckets", {"Buckets": []})
        west.list_buckets()
    assert "eu-west-1" in west.meta.endpoint_url and "eu-west-1" not in east.meta.endpoint_url
    assert queues.meta.endpoint_url == "https://sqs.eu-west-1.amazonaws.com"
