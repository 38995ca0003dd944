#!/usr/bin/env bash
# The Kafka broker of docker-compose.yml (apache/kafka image, one KRaft node) with identities:
# clients authenticate with SASL/SCRAM-SHA-512 (listener INTERNAL kafka:9092 in the compose
# network, EXTERNAL localhost:9094 published on 127.0.0.1 only), the StandardAuthorizer allows
# nothing without an ACL (super users: admin and the broker itself), and the kafka-provision
# service creates the topics and ACLs as admin (libs/kafka/src/acls.ts). The controller listener
# (9093) takes SASL/PLAIN from the broker only and is not published.
#
# The SCRAM credentials are created when the storage is formatted (first start, empty volume),
# from KAFKA_PASSWORD_<PRINCIPAL> (hex: they are written into SCRAM and JAAS settings). A volume
# formatted without them (an older compose file) is refused: remove it (docker compose down -v).
set -euo pipefail

PRINCIPALS=(admin broker install-intake lead license notification refresh marketplace vendor)
KAFKA_HOME="${KAFKA_HOME:-/opt/kafka}"
DATA="${LMA_KAFKA_DATA:-/var/lib/kafka/data}"
HOST="${LMA_KAFKA_HOST:-kafka}"  # its name in the compose network
BIND="${LMA_KAFKA_BIND:-}"        # every interface of the container
CONF=/tmp/lma-kafka
mkdir -p "$CONF"
chmod 700 "$CONF"

password_of() { # the password of a principal from KAFKA_PASSWORD_<NAME> (install-intake -> INSTALL_INTAKE)
  local var="KAFKA_PASSWORD_$(echo "$1" | tr 'a-z-' 'A-Z_')"
  local pw="${!var:-}"
  if [[ ! "$pw" =~ ^[A-Za-z0-9]{16,}$ ]]; then
    echo "kafka: $var must be set to at least 16 letters or digits (e.g. openssl rand -hex 24)" >&2
    exit 1
  fi
  printf '%s' "$pw"
}

BROKER_PW="$(password_of broker)"
umask 077
cat >"$CONF/server.properties" <<PROPS
process.roles=broker,controller
node.id=1
controller.quorum.voters=1@$HOST:9093
listeners=INTERNAL://$BIND:9092,CONTROLLER://$BIND:9093,EXTERNAL://$BIND:9094
advertised.listeners=INTERNAL://$HOST:9092,EXTERNAL://localhost:9094
controller.listener.names=CONTROLLER
listener.security.protocol.map=INTERNAL:SASL_PLAINTEXT,EXTERNAL:SASL_PLAINTEXT,CONTROLLER:SASL_PLAINTEXT
inter.broker.listener.name=INTERNAL
sasl.enabled.mechanisms=SCRAM-SHA-512
sasl.mechanism.inter.broker.protocol=SCRAM-SHA-512
listener.name.internal.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="broker" password="$BROKER_PW";
listener.name.external.scram-sha-512.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required;
listener.name.controller.sasl.enabled.mechanisms=PLAIN
sasl.mechanism.controller.protocol=PLAIN
listener.name.controller.plain.sasl.jaas.config=org.apache.kafka.common.security.plain.PlainLoginModule required username="broker" password="$BROKER_PW" user_broker="$BROKER_PW";
authorizer.class.name=org.apache.kafka.metadata.authorizer.StandardAuthorizer
super.users=User:admin;User:broker
allow.everyone.if.no.acl.found=false
log.dirs=$DATA
num.partitions=6
default.replication.factor=1
offsets.topic.replication.factor=1
transaction.state.log.replication.factor=1
transaction.state.log.min.isr=1
share.coordinator.state.topic.replication.factor=1
share.coordinator.state.topic.min.isr=1
group.initial.rebalance.delay.ms=0
auto.create.topics.enable=false
PROPS

# for the healthcheck: the admin's client settings
cat >"$CONF/admin.properties" <<PROPS
security.protocol=SASL_PLAINTEXT
sasl.mechanism=SCRAM-SHA-512
sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required username="admin" password="$(password_of admin)";
PROPS

if [[ ! -f "$DATA/meta.properties" ]]; then
  scram=()
  for p in "${PRINCIPALS[@]}"; do scram+=(--add-scram "SCRAM-SHA-512=[name=$p,password=$(password_of "$p")]"); done
  echo "kafka: formatting the storage with SCRAM-SHA-512 credentials for ${PRINCIPALS[*]}"
  $KAFKA_HOME/bin/kafka-storage.sh format -t "${KAFKA_CLUSTER_ID:?set KAFKA_CLUSTER_ID}" -c "$CONF/server.properties" "${scram[@]}" >/dev/null
  touch "$DATA/.lma-scram"
elif [[ ! -f "$DATA/.lma-scram" ]]; then
  echo "kafka: $DATA was formatted without SCRAM credentials (an older docker-compose.yml); remove the volume (docker compose down -v) and start again" >&2
  exit 1
fi

exec $KAFKA_HOME/bin/kafka-server-start.sh "$CONF/server.properties"
