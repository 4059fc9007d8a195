export type Json =
  | string
  | number
  | boolean
  | null
  | { [key: string]: Json | undefined }
  | Json[]

export type Database = {
  public: {
    Tables: {
      audit_events: {
        Row: {
          action: string
          actor_id: string | null
          circle_id: string
          created_at: string
          details: NonNullable<Json>
          id: number
          subject_member_id: string | null
        }
        Insert: {
          action: string
          actor_id?: string | null
          circle_id: string
          created_at?: string
          details?: NonNullable<Json>
          id?: never
          subject_member_id?: string | null
        }
        Update: {
          action?: string
          actor_id?: string | null
          circle_id?: string
          created_at?: string
          details?: NonNullable<Json>
          id?: never
          subject_member_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "audit_events_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
        ]
      }
      calendar_feeds: {
        Row: {
          circle_id: string
          created_at: string
          member_id: string
          token_hash: string
        }
        Insert: {
          circle_id: string
          created_at?: string
          member_id: string
          token_hash: string
        }
        Update: {
          circle_id?: string
          created_at?: string
          member_id?: string
          token_hash?: string
        }
        Relationships: [
          {
            foreignKeyName: "calendar_feeds_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      circle_email_settings: {
        Row: {
          circle_id: string
          update_text: Database["public"]["Enums"]["digest_update_text"]
          updated_at: string
        }
        Insert: {
          circle_id: string
          update_text?: Database["public"]["Enums"]["digest_update_text"]
          updated_at?: string
        }
        Update: {
          circle_id?: string
          update_text?: Database["public"]["Enums"]["digest_update_text"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "circle_email_settings_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: true
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
        ]
      }
      circle_members: {
        Row: {
          circle_id: string
          created_at: string
          ended_at: string | null
          id: string
          joined_at: string
          label: string | null
          relationship: Database["public"]["Enums"]["relationship"] | null
          role: Database["public"]["Enums"]["member_role"]
          status: Database["public"]["Enums"]["member_status"]
          updated_at: string
          user_id: string | null
        }
        Insert: {
          circle_id: string
          created_at?: string
          ended_at?: string | null
          id?: string
          joined_at?: string
          label?: string | null
          relationship?: Database["public"]["Enums"]["relationship"] | null
          role: Database["public"]["Enums"]["member_role"]
          status?: Database["public"]["Enums"]["member_status"]
          updated_at?: string
          user_id?: string | null
        }
        Update: {
          circle_id?: string
          created_at?: string
          ended_at?: string | null
          id?: string
          joined_at?: string
          label?: string | null
          relationship?: Database["public"]["Enums"]["relationship"] | null
          role?: Database["public"]["Enums"]["member_role"]
          status?: Database["public"]["Enums"]["member_status"]
          updated_at?: string
          user_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "circle_members_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "circle_members_user_id_fkey"
            columns: ["user_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      circles: {
        Row: {
          coordinators_can_invite: boolean
          created_at: string
          id: string
          name: string
          owner_id: string
          time_zone: string
          updated_at: string
          updates_paused: boolean
          updates_paused_at: string | null
        }
        Insert: {
          coordinators_can_invite?: boolean
          created_at?: string
          id?: string
          name: string
          owner_id: string
          time_zone?: string
          updated_at?: string
          updates_paused?: boolean
          updates_paused_at?: string | null
        }
        Update: {
          coordinators_can_invite?: boolean
          created_at?: string
          id?: string
          name?: string
          owner_id?: string
          time_zone?: string
          updated_at?: string
          updates_paused?: boolean
          updates_paused_at?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "circles_owner_id_fkey"
            columns: ["owner_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      email_preferences: {
        Row: {
          circle_id: string
          digest_frequency: Database["public"]["Enums"]["digest_frequency"]
          digest_hour: number
          digest_weekday: number
          frequency_before_off:
            | Database["public"]["Enums"]["digest_frequency"]
            | null
          member_id: string
          notify_claimed: boolean
          notify_released: boolean
          unsubscribed_at: string | null
          updated_at: string
        }
        Insert: {
          circle_id: string
          digest_frequency?: Database["public"]["Enums"]["digest_frequency"]
          digest_hour?: number
          digest_weekday?: number
          frequency_before_off?:
            | Database["public"]["Enums"]["digest_frequency"]
            | null
          member_id: string
          notify_claimed?: boolean
          notify_released?: boolean
          unsubscribed_at?: string | null
          updated_at?: string
        }
        Update: {
          circle_id?: string
          digest_frequency?: Database["public"]["Enums"]["digest_frequency"]
          digest_hour?: number
          digest_weekday?: number
          frequency_before_off?:
            | Database["public"]["Enums"]["digest_frequency"]
            | null
          member_id?: string
          notify_claimed?: boolean
          notify_released?: boolean
          unsubscribed_at?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "email_preferences_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      encouragement_notes: {
        Row: {
          author_member_id: string
          body: string
          circle_id: string
          created_at: string
          id: string
          update_id: string | null
        }
        Insert: {
          author_member_id: string
          body: string
          circle_id: string
          created_at?: string
          id?: string
          update_id?: string | null
        }
        Update: {
          author_member_id?: string
          body?: string
          circle_id?: string
          created_at?: string
          id?: string
          update_id?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "encouragement_notes_author_member_id_circle_id_fkey"
            columns: ["author_member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "encouragement_notes_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "encouragement_notes_update_id_circle_id_fkey"
            columns: ["update_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "updates"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      invitations: {
        Row: {
          accepted_at: string | null
          accepted_by: string | null
          categories: Database["public"]["Enums"]["sharing_category"][]
          circle_id: string
          created_at: string
          declined_at: string | null
          email: string
          expires_at: string
          id: string
          invited_by: string | null
          label: string | null
          member_id: string | null
          relationship: Database["public"]["Enums"]["relationship"]
          revoked_at: string | null
          role: Database["public"]["Enums"]["member_role"]
          send_count: number
          sent_at: string
          token_hash: string
        }
        Insert: {
          accepted_at?: string | null
          accepted_by?: string | null
          categories?: Database["public"]["Enums"]["sharing_category"][]
          circle_id: string
          created_at?: string
          declined_at?: string | null
          email: string
          expires_at: string
          id?: string
          invited_by?: string | null
          label?: string | null
          member_id?: string | null
          relationship: Database["public"]["Enums"]["relationship"]
          revoked_at?: string | null
          role: Database["public"]["Enums"]["member_role"]
          send_count?: number
          sent_at?: string
          token_hash: string
        }
        Update: {
          accepted_at?: string | null
          accepted_by?: string | null
          categories?: Database["public"]["Enums"]["sharing_category"][]
          circle_id?: string
          created_at?: string
          declined_at?: string | null
          email?: string
          expires_at?: string
          id?: string
          invited_by?: string | null
          label?: string | null
          member_id?: string | null
          relationship?: Database["public"]["Enums"]["relationship"]
          revoked_at?: string | null
          role?: Database["public"]["Enums"]["member_role"]
          send_count?: number
          sent_at?: string
          token_hash?: string
        }
        Relationships: [
          {
            foreignKeyName: "invitations_accepted_by_fkey"
            columns: ["accepted_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invitations_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invitations_invited_by_fkey"
            columns: ["invited_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      profiles: {
        Row: {
          created_at: string
          display_name: string
          id: string
          updated_at: string
        }
        Insert: {
          created_at?: string
          display_name: string
          id: string
          updated_at?: string
        }
        Update: {
          created_at?: string
          display_name?: string
          id?: string
          updated_at?: string
        }
        Relationships: []
      }
      push_subscriptions: {
        Row: {
          auth: string
          circle_id: string
          created_at: string
          device_label: string
          endpoint: string
          id: string
          member_id: string
          p256dh: string
        }
        Insert: {
          auth: string
          circle_id: string
          created_at?: string
          device_label: string
          endpoint: string
          id?: string
          member_id: string
          p256dh: string
        }
        Update: {
          auth?: string
          circle_id?: string
          created_at?: string
          device_label?: string
          endpoint?: string
          id?: string
          member_id?: string
          p256dh?: string
        }
        Relationships: [
          {
            foreignKeyName: "push_subscriptions_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      reach_out_requests: {
        Row: {
          circle_id: string
          created_at: string
          id: string
          member_id: string
          update_id: string
        }
        Insert: {
          circle_id: string
          created_at?: string
          id?: string
          member_id: string
          update_id: string
        }
        Update: {
          circle_id?: string
          created_at?: string
          id?: string
          member_id?: string
          update_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "reach_out_requests_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "reach_out_requests_update_id_circle_id_fkey"
            columns: ["update_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "updates"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      sharing_grants: {
        Row: {
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          granted_by: string | null
          member_id: string
        }
        Insert: {
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at?: string
          granted_by?: string | null
          member_id: string
        }
        Update: {
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id?: string
          created_at?: string
          granted_by?: string | null
          member_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "sharing_grants_granted_by_fkey"
            columns: ["granted_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "sharing_grants_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      support_plan_sections: {
        Row: {
          audience: string[] | null
          body: string
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          id: string
          kind: Database["public"]["Enums"]["plan_section_kind"]
          updated_at: string
          updated_by: string | null
        }
        Insert: {
          audience?: string[] | null
          body: string
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at?: string
          id?: string
          kind: Database["public"]["Enums"]["plan_section_kind"]
          updated_at?: string
          updated_by?: string | null
        }
        Update: {
          audience?: string[] | null
          body?: string
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id?: string
          created_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["plan_section_kind"]
          updated_at?: string
          updated_by?: string | null
        }
        Relationships: [
          {
            foreignKeyName: "support_plan_sections_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "support_plan_sections_updated_by_fkey"
            columns: ["updated_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      task_claims: {
        Row: {
          circle_id: string
          created_at: string
          id: string
          member_id: string
          task_id: string
        }
        Insert: {
          circle_id: string
          created_at?: string
          id?: string
          member_id: string
          task_id: string
        }
        Update: {
          circle_id?: string
          created_at?: string
          id?: string
          member_id?: string
          task_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "task_claims_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "task_claims_task_id_circle_id_fkey"
            columns: ["task_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "tasks"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      task_offers: {
        Row: {
          all_day: boolean
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          ends_at: string
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          member_id: string
          message: string
          responded_at: string | null
          responded_by: string | null
          response_note: string | null
          starts_at: string
          status: Database["public"]["Enums"]["offer_status"]
          task_id: string | null
          updated_at: string
        }
        Insert: {
          all_day?: boolean
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at?: string
          ends_at: string
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          member_id: string
          message: string
          responded_at?: string | null
          responded_by?: string | null
          response_note?: string | null
          starts_at: string
          status?: Database["public"]["Enums"]["offer_status"]
          task_id?: string | null
          updated_at?: string
        }
        Update: {
          all_day?: boolean
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id?: string
          created_at?: string
          ends_at?: string
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          member_id?: string
          message?: string
          responded_at?: string | null
          responded_by?: string | null
          response_note?: string | null
          starts_at?: string
          status?: Database["public"]["Enums"]["offer_status"]
          task_id?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "task_offers_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "task_offers_responded_by_fkey"
            columns: ["responded_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "task_offers_task_id_circle_id_fkey"
            columns: ["task_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "tasks"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      task_series: {
        Row: {
          all_day: boolean
          audience: string[] | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          duration_minutes: number | null
          first_date: string
          frequency: Database["public"]["Enums"]["series_frequency"]
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          materialised_through: string | null
          notes: string | null
          occurrence_count: number | null
          previous_series_id: string | null
          repeat_every: number
          slots: number
          start_time: string | null
          stopped_from: string | null
          title: string
          until_date: string | null
          updated_at: string
          weekdays: number[]
        }
        Insert: {
          all_day?: boolean
          audience?: string[] | null
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference?:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at?: string
          created_by?: string | null
          dietary_needs?: string | null
          duration_minutes?: number | null
          first_date: string
          frequency: Database["public"]["Enums"]["series_frequency"]
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string | null
          materialised_through?: string | null
          notes?: string | null
          occurrence_count?: number | null
          previous_series_id?: string | null
          repeat_every?: number
          slots?: number
          start_time?: string | null
          stopped_from?: string | null
          title: string
          until_date?: string | null
          updated_at?: string
          weekdays?: number[]
        }
        Update: {
          all_day?: boolean
          audience?: string[] | null
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id?: string
          contact_preference?:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at?: string
          created_by?: string | null
          dietary_needs?: string | null
          duration_minutes?: number | null
          first_date?: string
          frequency?: Database["public"]["Enums"]["series_frequency"]
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string | null
          materialised_through?: string | null
          notes?: string | null
          occurrence_count?: number | null
          previous_series_id?: string | null
          repeat_every?: number
          slots?: number
          start_time?: string | null
          stopped_from?: string | null
          title?: string
          until_date?: string | null
          updated_at?: string
          weekdays?: number[]
        }
        Relationships: [
          {
            foreignKeyName: "task_series_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "task_series_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "task_series_previous_series_id_fkey"
            columns: ["previous_series_id"]
            isOneToOne: false
            referencedRelation: "task_series"
            referencedColumns: ["id"]
          },
        ]
      }
      task_thanks: {
        Row: {
          circle_id: string
          created_at: string
          note: string
          task_id: string
          thanked_by: string | null
          updated_at: string
        }
        Insert: {
          circle_id: string
          created_at?: string
          note: string
          task_id: string
          thanked_by?: string | null
          updated_at?: string
        }
        Update: {
          circle_id?: string
          created_at?: string
          note?: string
          task_id?: string
          thanked_by?: string | null
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "task_thanks_task_id_circle_id_fkey"
            columns: ["task_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "tasks"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "task_thanks_thanked_by_fkey"
            columns: ["thanked_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
      tasks: {
        Row: {
          all_day: boolean
          audience: string[] | null
          cancel_note: string | null
          cancelled_at: string | null
          cancelled_by: string | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          done_at: string | null
          done_by: string | null
          ends_at: string | null
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          notes: string | null
          series_date: string | null
          series_exception: boolean
          series_id: string | null
          slots: number
          starts_at: string
          status: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at: string
        }
        Insert: {
          all_day?: boolean
          audience?: string[] | null
          cancel_note?: string | null
          cancelled_at?: string | null
          cancelled_by?: string | null
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference?:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at?: string
          created_by?: string | null
          dietary_needs?: string | null
          done_at?: string | null
          done_by?: string | null
          ends_at?: string | null
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string | null
          notes?: string | null
          series_date?: string | null
          series_exception?: boolean
          series_id?: string | null
          slots?: number
          starts_at: string
          status?: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at?: string
        }
        Update: {
          all_day?: boolean
          audience?: string[] | null
          cancel_note?: string | null
          cancelled_at?: string | null
          cancelled_by?: string | null
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id?: string
          contact_preference?:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at?: string
          created_by?: string | null
          dietary_needs?: string | null
          done_at?: string | null
          done_by?: string | null
          ends_at?: string | null
          id?: string
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string | null
          notes?: string | null
          series_date?: string | null
          series_exception?: boolean
          series_id?: string | null
          slots?: number
          starts_at?: string
          status?: Database["public"]["Enums"]["task_status"]
          title?: string
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "tasks_cancelled_by_fkey"
            columns: ["cancelled_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_created_by_fkey"
            columns: ["created_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_done_by_fkey"
            columns: ["done_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "tasks_series_fkey"
            columns: ["series_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "task_series"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      update_reactions: {
        Row: {
          circle_id: string
          created_at: string
          member_id: string
          update_id: string
        }
        Insert: {
          circle_id: string
          created_at?: string
          member_id: string
          update_id: string
        }
        Update: {
          circle_id?: string
          created_at?: string
          member_id?: string
          update_id?: string
        }
        Relationships: [
          {
            foreignKeyName: "update_reactions_member_id_circle_id_fkey"
            columns: ["member_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "circle_members"
            referencedColumns: ["id", "circle_id"]
          },
          {
            foreignKeyName: "update_reactions_update_id_circle_id_fkey"
            columns: ["update_id", "circle_id"]
            isOneToOne: false
            referencedRelation: "updates"
            referencedColumns: ["id", "circle_id"]
          },
        ]
      }
      updates: {
        Row: {
          audience: string[] | null
          author_id: string | null
          body: string
          category: Database["public"]["Enums"]["sharing_category"]
          check_in: Database["public"]["Enums"]["check_in_colour"] | null
          circle_id: string
          created_at: string
          edited_at: string | null
          id: string
          mood: number | null
          published_at: string | null
          review_note: string | null
          reviewed_at: string | null
          reviewed_by: string | null
          status: Database["public"]["Enums"]["update_status"]
          updated_at: string
        }
        Insert: {
          audience?: string[] | null
          author_id?: string | null
          body: string
          category?: Database["public"]["Enums"]["sharing_category"]
          check_in?: Database["public"]["Enums"]["check_in_colour"] | null
          circle_id: string
          created_at?: string
          edited_at?: string | null
          id?: string
          mood?: number | null
          published_at?: string | null
          review_note?: string | null
          reviewed_at?: string | null
          reviewed_by?: string | null
          status?: Database["public"]["Enums"]["update_status"]
          updated_at?: string
        }
        Update: {
          audience?: string[] | null
          author_id?: string | null
          body?: string
          category?: Database["public"]["Enums"]["sharing_category"]
          check_in?: Database["public"]["Enums"]["check_in_colour"] | null
          circle_id?: string
          created_at?: string
          edited_at?: string | null
          id?: string
          mood?: number | null
          published_at?: string | null
          review_note?: string | null
          reviewed_at?: string | null
          reviewed_by?: string | null
          status?: Database["public"]["Enums"]["update_status"]
          updated_at?: string
        }
        Relationships: [
          {
            foreignKeyName: "updates_author_id_fkey"
            columns: ["author_id"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "updates_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "updates_reviewed_by_fkey"
            columns: ["reviewed_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Views: {
      invitations_with_state: {
        Row: {
          accepted_at: string | null
          accepted_by: string | null
          categories: Database["public"]["Enums"]["sharing_category"][] | null
          circle_id: string | null
          created_at: string | null
          declined_at: string | null
          email: string | null
          expires_at: string | null
          id: string | null
          invited_by: string | null
          label: string | null
          member_id: string | null
          relationship: Database["public"]["Enums"]["relationship"] | null
          revoked_at: string | null
          role: Database["public"]["Enums"]["member_role"] | null
          send_count: number | null
          sent_at: string | null
          state: string | null
        }
        Insert: {
          accepted_at?: string | null
          accepted_by?: string | null
          categories?: Database["public"]["Enums"]["sharing_category"][] | null
          circle_id?: string | null
          created_at?: string | null
          declined_at?: string | null
          email?: string | null
          expires_at?: string | null
          id?: string | null
          invited_by?: string | null
          label?: string | null
          member_id?: string | null
          relationship?: Database["public"]["Enums"]["relationship"] | null
          revoked_at?: string | null
          role?: Database["public"]["Enums"]["member_role"] | null
          send_count?: number | null
          sent_at?: string | null
          state?: never
        }
        Update: {
          accepted_at?: string | null
          accepted_by?: string | null
          categories?: Database["public"]["Enums"]["sharing_category"][] | null
          circle_id?: string | null
          created_at?: string | null
          declined_at?: string | null
          email?: string | null
          expires_at?: string | null
          id?: string | null
          invited_by?: string | null
          label?: string | null
          member_id?: string | null
          relationship?: Database["public"]["Enums"]["relationship"] | null
          revoked_at?: string | null
          role?: Database["public"]["Enums"]["member_role"] | null
          send_count?: number | null
          sent_at?: string | null
          state?: never
        }
        Relationships: [
          {
            foreignKeyName: "invitations_accepted_by_fkey"
            columns: ["accepted_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invitations_circle_id_fkey"
            columns: ["circle_id"]
            isOneToOne: false
            referencedRelation: "circles"
            referencedColumns: ["id"]
          },
          {
            foreignKeyName: "invitations_invited_by_fkey"
            columns: ["invited_by"]
            isOneToOne: false
            referencedRelation: "profiles"
            referencedColumns: ["id"]
          },
        ]
      }
    }
    Functions: {
      accept_invitation: {
        Args: { token: string }
        Returns: {
          circle_id: string
          created_at: string
          ended_at: string | null
          id: string
          joined_at: string
          label: string | null
          relationship: Database["public"]["Enums"]["relationship"] | null
          role: Database["public"]["Enums"]["member_role"]
          status: Database["public"]["Enums"]["member_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "circle_members"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      accept_offer: {
        Args: { offer_id: string; title: string }
        Returns: {
          all_day: boolean
          audience: string[] | null
          cancel_note: string | null
          cancelled_at: string | null
          cancelled_by: string | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          done_at: string | null
          done_by: string | null
          ends_at: string | null
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          notes: string | null
          series_date: string | null
          series_exception: boolean
          series_id: string | null
          slots: number
          starts_at: string
          status: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "tasks"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      calendar_feed: { Args: { token: string }; Returns: Json }
      calendar_window: {
        Args: {
          circle_id: string
          starts_before: string
          starts_from: string
          through?: string
        }
        Returns: Json
      }
      cancel_task: {
        Args: { note?: string; task_id: string }
        Returns: {
          all_day: boolean
          audience: string[] | null
          cancel_note: string | null
          cancelled_at: string | null
          cancelled_by: string | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          done_at: string | null
          done_by: string | null
          ends_at: string | null
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          notes: string | null
          series_date: string | null
          series_exception: boolean
          series_id: string | null
          slots: number
          starts_at: string
          status: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "tasks"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      cancel_task_series: {
        Args: { from_date: string; note?: string; series_id: string }
        Returns: Json
      }
      claim_task: {
        Args: { task_id: string }
        Returns: {
          circle_id: string
          created_at: string
          id: string
          member_id: string
          task_id: string
        }
        SetofOptions: {
          from: "*"
          to: "task_claims"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      complete_task: {
        Args: { task_id: string; thank_you_note?: string }
        Returns: {
          all_day: boolean
          audience: string[] | null
          cancel_note: string | null
          cancelled_at: string | null
          cancelled_by: string | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          done_at: string | null
          done_by: string | null
          ends_at: string | null
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          notes: string | null
          series_date: string | null
          series_exception: boolean
          series_id: string | null
          slots: number
          starts_at: string
          status: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "tasks"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_circle: {
        Args: { name: string; time_zone?: string }
        Returns: {
          coordinators_can_invite: boolean
          created_at: string
          id: string
          name: string
          owner_id: string
          time_zone: string
          updated_at: string
          updates_paused: boolean
          updates_paused_at: string | null
        }
        SetofOptions: {
          from: "*"
          to: "circles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_invitation: {
        Args: {
          categories?: Database["public"]["Enums"]["sharing_category"][]
          circle_id: string
          email: string
          label?: string
          relationship?: Database["public"]["Enums"]["relationship"]
          role?: Database["public"]["Enums"]["member_role"]
        }
        Returns: Database["public"]["CompositeTypes"]["invitation_token"]
        SetofOptions: {
          from: "*"
          to: "invitation_token"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      create_task_series: {
        Args: {
          all_day?: boolean
          audience?: string[]
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference?: Database["public"]["Enums"]["contact_preference"]
          dietary_needs?: string
          duration_minutes?: number
          first_date: string
          frequency: Database["public"]["Enums"]["series_frequency"]
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string
          notes?: string
          occurrence_count?: number
          repeat_every?: number
          slots?: number
          start_time?: string
          title: string
          until_date?: string
          weekdays?: number[]
        }
        Returns: {
          all_day: boolean
          audience: string[] | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          duration_minutes: number | null
          first_date: string
          frequency: Database["public"]["Enums"]["series_frequency"]
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          materialised_through: string | null
          notes: string | null
          occurrence_count: number | null
          previous_series_id: string | null
          repeat_every: number
          slots: number
          start_time: string | null
          stopped_from: string | null
          title: string
          until_date: string | null
          updated_at: string
          weekdays: number[]
        }
        SetofOptions: {
          from: "*"
          to: "task_series"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      decline_invitation: { Args: { token: string }; Returns: undefined }
      decline_offer: {
        Args: { note?: string; offer_id: string }
        Returns: {
          all_day: boolean
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          ends_at: string
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          member_id: string
          message: string
          responded_at: string | null
          responded_by: string | null
          response_note: string | null
          starts_at: string
          status: Database["public"]["Enums"]["offer_status"]
          task_id: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "task_offers"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      delete_account: { Args: { confirm_email: string }; Returns: undefined }
      delete_calendar_feed: { Args: { circle_id: string }; Returns: undefined }
      delete_circle: {
        Args: { circle_id: string; confirm_name: string }
        Returns: undefined
      }
      email_job_assign_batch: {
        Args: { p_batch_key: string; p_ids: number[] }
        Returns: number
      }
      email_job_claim: {
        Args: { p_lease_seconds?: number; p_now: string; p_rows: Json }
        Returns: {
          id: number
          idempotency_key: string
        }[]
      }
      email_job_digests: {
        Args: {
          p_after?: string
          p_before?: string
          p_circle_ids?: string[]
          p_force?: boolean
          p_limit?: number
          p_now: string
        }
        Returns: Json
      }
      email_job_events_done: {
        Args: { p_ids: number[]; p_now: string }
        Returns: number
      }
      email_job_notices: {
        Args: {
          p_after?: number
          p_circle_ids?: string[]
          p_limit?: number
          p_now: string
        }
        Returns: Json[]
      }
      email_job_recover: {
        Args: {
          p_circle_ids?: string[]
          p_lease_seconds?: number
          p_limit?: number
          p_now: string
        }
        Returns: {
          batch_index: number
          batch_key: string
          id: number
          idempotency_key: string
          kind: string
          payload: Json
        }[]
      }
      email_job_reminders: {
        Args: {
          p_after?: string
          p_circle_ids?: string[]
          p_limit?: number
          p_now: string
        }
        Returns: Json[]
      }
      email_job_settle: {
        Args: { p_now: string; p_results: Json }
        Returns: number
      }
      email_unsubscribe_tokens: {
        Args: { p_now?: string; p_requests: Json }
        Returns: {
          member_id: string
          purpose: string
          token: string
        }[]
      }
      export_circle: { Args: { circle_id: string }; Returns: Json }
      extend_all_task_series: {
        Args: Record<PropertyKey, never>
        Returns: number
      }
      extend_task_series: {
        Args: { circle_id: string; through?: string }
        Returns: undefined
      }
      invitation_preview: {
        Args: { token: string }
        Returns: Database["public"]["CompositeTypes"]["invitation_preview"]
        SetofOptions: {
          from: "*"
          to: "invitation_preview"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      leave_circle: { Args: { circle_id: string }; Returns: undefined }
      offer_help: {
        Args: {
          all_day?: boolean
          category?: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          ends_at: string
          kind?: Database["public"]["Enums"]["task_kind"]
          message: string
          starts_at: string
        }
        Returns: {
          all_day: boolean
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          ends_at: string
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          member_id: string
          message: string
          responded_at: string | null
          responded_by: string | null
          response_note: string | null
          starts_at: string
          status: Database["public"]["Enums"]["offer_status"]
          task_id: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "task_offers"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      preview_support_plan: {
        Args: { member_id: string }
        Returns: {
          audience: string[] | null
          body: string
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          id: string
          kind: Database["public"]["Enums"]["plan_section_kind"]
          updated_at: string
          updated_by: string | null
        }[]
        SetofOptions: {
          from: "*"
          to: "support_plan_sections"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      preview_tasks: {
        Args: { member_id: string }
        Returns: {
          all_day: boolean
          audience: string[] | null
          cancel_note: string | null
          cancelled_at: string | null
          cancelled_by: string | null
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          contact_preference:
            | Database["public"]["Enums"]["contact_preference"]
            | null
          created_at: string
          created_by: string | null
          dietary_needs: string | null
          done_at: string | null
          done_by: string | null
          ends_at: string | null
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          location: string | null
          notes: string | null
          series_date: string | null
          series_exception: boolean
          series_id: string | null
          slots: number
          starts_at: string
          status: Database["public"]["Enums"]["task_status"]
          title: string
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "tasks"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      preview_updates: {
        Args: { member_id: string }
        Returns: {
          audience: string[] | null
          author_id: string | null
          body: string
          category: Database["public"]["Enums"]["sharing_category"]
          check_in: Database["public"]["Enums"]["check_in_colour"] | null
          circle_id: string
          created_at: string
          edited_at: string | null
          id: string
          mood: number | null
          published_at: string | null
          review_note: string | null
          reviewed_at: string | null
          reviewed_by: string | null
          status: Database["public"]["Enums"]["update_status"]
          updated_at: string
        }[]
        SetofOptions: {
          from: "*"
          to: "updates"
          isOneToOne: false
          isSetofReturn: true
        }
      }
      push_job_claim: {
        Args: { p_lease_seconds?: number; p_now: string; p_rows: Json }
        Returns: {
          auth: string
          endpoint: string
          id: number
          idempotency_key: string
          p256dh: string
        }[]
      }
      push_job_devices: {
        Args: { p_member_ids: string[] }
        Returns: {
          member_id: string
          subscription_id: string
        }[]
      }
      push_job_reach_outs: {
        Args: {
          p_after?: string
          p_circle_ids?: string[]
          p_limit?: number
          p_now: string
        }
        Returns: Json[]
      }
      push_job_recover: {
        Args: {
          p_circle_ids?: string[]
          p_lease_seconds?: number
          p_limit?: number
          p_now: string
        }
        Returns: {
          auth: string
          endpoint: string
          id: number
          idempotency_key: string
          kind: string
          p256dh: string
          payload: Json
        }[]
      }
      push_job_remove_endpoints: {
        Args: { p_endpoints: string[] }
        Returns: number
      }
      release_task: {
        Args: { member_id?: string; task_id: string }
        Returns: undefined
      }
      remove_member: { Args: { member_id: string }; Returns: undefined }
      resend_invitation: {
        Args: { id: string }
        Returns: Database["public"]["CompositeTypes"]["invitation_token"]
        SetofOptions: {
          from: "*"
          to: "invitation_token"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      reset_calendar_feed: { Args: { circle_id: string }; Returns: string }
      review_update: {
        Args: { approve: boolean; note?: string; update_id: string }
        Returns: Json
      }
      revoke_invitation: { Args: { id: string }; Returns: undefined }
      set_circle_email_settings: {
        Args: {
          circle_id: string
          update_text: Database["public"]["Enums"]["digest_update_text"]
        }
        Returns: {
          circle_id: string
          update_text: Database["public"]["Enums"]["digest_update_text"]
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "circle_email_settings"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_email_preferences: {
        Args: {
          circle_id: string
          digest_frequency?: Database["public"]["Enums"]["digest_frequency"]
          digest_hour?: number
          digest_weekday?: number
          notify_claimed?: boolean
          notify_released?: boolean
        }
        Returns: {
          circle_id: string
          digest_frequency: Database["public"]["Enums"]["digest_frequency"]
          digest_hour: number
          digest_weekday: number
          frequency_before_off:
            | Database["public"]["Enums"]["digest_frequency"]
            | null
          member_id: string
          notify_claimed: boolean
          notify_released: boolean
          unsubscribed_at: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "email_preferences"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_member_grants: {
        Args: {
          categories: Database["public"]["Enums"]["sharing_category"][]
          member_id: string
        }
        Returns: Database["public"]["Enums"]["sharing_category"][]
      }
      set_member_role: {
        Args: {
          member_id: string
          role: Database["public"]["Enums"]["member_role"]
        }
        Returns: {
          circle_id: string
          created_at: string
          ended_at: string | null
          id: string
          joined_at: string
          label: string | null
          relationship: Database["public"]["Enums"]["relationship"] | null
          role: Database["public"]["Enums"]["member_role"]
          status: Database["public"]["Enums"]["member_status"]
          updated_at: string
          user_id: string | null
        }
        SetofOptions: {
          from: "*"
          to: "circle_members"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      set_update_support: {
        Args: { supported: boolean; update_id: string }
        Returns: number
      }
      set_updates_paused: {
        Args: { circle_id: string; paused: boolean }
        Returns: {
          coordinators_can_invite: boolean
          created_at: string
          id: string
          name: string
          owner_id: string
          time_zone: string
          updated_at: string
          updates_paused: boolean
          updates_paused_at: string | null
        }
        SetofOptions: {
          from: "*"
          to: "circles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      share_check_in: {
        Args: {
          circle_id: string
          colour: Database["public"]["Enums"]["check_in_colour"]
          note?: string
          only_reach_out?: boolean
          reach_out?: string[]
        }
        Returns: Json
      }
      unsubscribe_apply: { Args: { p_token: string }; Returns: Json }
      unsubscribe_peek: { Args: { p_token: string }; Returns: Json }
      update_circle_settings: {
        Args: {
          circle_id: string
          coordinators_can_invite?: boolean
          name?: string
          time_zone?: string
        }
        Returns: {
          coordinators_can_invite: boolean
          created_at: string
          id: string
          name: string
          owner_id: string
          time_zone: string
          updated_at: string
          updates_paused: boolean
          updates_paused_at: string | null
        }
        SetofOptions: {
          from: "*"
          to: "circles"
          isOneToOne: true
          isSetofReturn: false
        }
      }
      update_support_summary: {
        Args: { update_ids: string[] }
        Returns: {
          supported_by_me: boolean
          supporters: number
          update_id: string
        }[]
      }
      update_task_series: {
        Args: {
          all_day?: boolean
          audience?: string[]
          category?: Database["public"]["Enums"]["sharing_category"]
          contact_preference?: Database["public"]["Enums"]["contact_preference"]
          dietary_needs?: string
          duration_minutes?: number
          frequency: Database["public"]["Enums"]["series_frequency"]
          from_date: string
          kind?: Database["public"]["Enums"]["task_kind"]
          location?: string
          notes?: string
          occurrence_count?: number
          repeat_every?: number
          series_id: string
          slots?: number
          start_time?: string
          title: string
          until_date?: string
          weekdays?: number[]
        }
        Returns: Json
      }
      withdraw_offer: {
        Args: { offer_id: string }
        Returns: {
          all_day: boolean
          category: Database["public"]["Enums"]["sharing_category"]
          circle_id: string
          created_at: string
          ends_at: string
          id: string
          kind: Database["public"]["Enums"]["task_kind"]
          member_id: string
          message: string
          responded_at: string | null
          responded_by: string | null
          response_note: string | null
          starts_at: string
          status: Database["public"]["Enums"]["offer_status"]
          task_id: string | null
          updated_at: string
        }
        SetofOptions: {
          from: "*"
          to: "task_offers"
          isOneToOne: true
          isSetofReturn: false
        }
      }
    }
    Enums: {
      check_in_colour: "green" | "yellow" | "red"
      contact_preference: "no_contact" | "brief_visit" | "happy_to_chat"
      digest_frequency: "daily" | "weekly" | "off"
      digest_update_text: "titles" | "full"
      member_role: "owner" | "coordinator" | "supporter"
      member_status: "active" | "removed" | "left"
      offer_status: "pending" | "accepted" | "declined" | "withdrawn"
      plan_section_kind:
        | "what_helps"
        | "what_does_not_help"
        | "warning_signs"
        | "crisis_contacts"
        | "do_not_contact"
        | "practical_arrangements"
      relationship:
        | "family"
        | "friend"
        | "professional"
        | "peer"
        | "community"
        | "other"
      series_frequency: "daily" | "weekly"
      sharing_category:
        | "practical"
        | "general"
        | "milestones"
        | "wellbeing"
        | "health"
      task_kind:
        | "meal"
        | "ride"
        | "errand"
        | "household"
        | "childcare"
        | "pet_care"
        | "check_in_call"
        | "visit"
        | "appointment_companion"
        | "other"
      task_status: "scheduled" | "done" | "cancelled"
      update_status: "draft" | "pending" | "published" | "declined"
    }
    CompositeTypes: {
      invitation_preview: {
        state: string | null
        circle_id: string | null
        circle_name: string | null
        inviter_name: string | null
        role: Database["public"]["Enums"]["member_role"] | null
        relationship: Database["public"]["Enums"]["relationship"] | null
        label: string | null
        categories: Database["public"]["Enums"]["sharing_category"][] | null
        expires_at: string | null
        email_hint: string | null
        for_current_user: boolean | null
      }
      invitation_token: {
        invitation_id: string | null
        token: string | null
        expires_at: string | null
      }
    }
  }
}

type DatabaseWithoutInternals = Omit<Database, "__InternalSupabase">

type DefaultSchema = DatabaseWithoutInternals[Extract<keyof Database, "public">]

export type Tables<
  DefaultSchemaTableNameOrOptions extends
    | keyof (DefaultSchema["Tables"] & DefaultSchema["Views"])
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
        DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? (DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"] &
      DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Views"])[TableName] extends {
      Row: infer R
    }
    ? R
    : never
  : DefaultSchemaTableNameOrOptions extends keyof (DefaultSchema["Tables"] &
        DefaultSchema["Views"])
    ? (DefaultSchema["Tables"] &
        DefaultSchema["Views"])[DefaultSchemaTableNameOrOptions] extends {
        Row: infer R
      }
      ? R
      : never
    : never

export type TablesInsert<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Insert: infer I
    }
    ? I
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Insert: infer I
      }
      ? I
      : never
    : never

export type TablesUpdate<
  DefaultSchemaTableNameOrOptions extends
    | keyof DefaultSchema["Tables"]
    | { schema: keyof DatabaseWithoutInternals },
  TableName extends (DefaultSchemaTableNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"]
    : never) = never,
> = DefaultSchemaTableNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaTableNameOrOptions["schema"]]["Tables"][TableName] extends {
      Update: infer U
    }
    ? U
    : never
  : DefaultSchemaTableNameOrOptions extends keyof DefaultSchema["Tables"]
    ? DefaultSchema["Tables"][DefaultSchemaTableNameOrOptions] extends {
        Update: infer U
      }
      ? U
      : never
    : never

export type Enums<
  DefaultSchemaEnumNameOrOptions extends
    | keyof DefaultSchema["Enums"]
    | { schema: keyof DatabaseWithoutInternals },
  EnumName extends (DefaultSchemaEnumNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"]
    : never) = never,
> = DefaultSchemaEnumNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[DefaultSchemaEnumNameOrOptions["schema"]]["Enums"][EnumName]
  : DefaultSchemaEnumNameOrOptions extends keyof DefaultSchema["Enums"]
    ? DefaultSchema["Enums"][DefaultSchemaEnumNameOrOptions]
    : never

export type CompositeTypes<
  PublicCompositeTypeNameOrOptions extends
    | keyof DefaultSchema["CompositeTypes"]
    | { schema: keyof DatabaseWithoutInternals },
  CompositeTypeName extends (PublicCompositeTypeNameOrOptions extends {
    schema: keyof DatabaseWithoutInternals
  }
    ? keyof DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"]
    : never) = never,
> = PublicCompositeTypeNameOrOptions extends {
  schema: keyof DatabaseWithoutInternals
}
  ? DatabaseWithoutInternals[PublicCompositeTypeNameOrOptions["schema"]]["CompositeTypes"][CompositeTypeName]
  : PublicCompositeTypeNameOrOptions extends keyof DefaultSchema["CompositeTypes"]
    ? DefaultSchema["CompositeTypes"][PublicCompositeTypeNameOrOptions]
    : never

export const Constants = {
  public: {
    Enums: {
      check_in_colour: ["green", "yellow", "red"],
      contact_preference: ["no_contact", "brief_visit", "happy_to_chat"],
      digest_frequency: ["daily", "weekly", "off"],
      digest_update_text: ["titles", "full"],
      member_role: ["owner", "coordinator", "supporter"],
      member_status: ["active", "removed", "left"],
      offer_status: ["pending", "accepted", "declined", "withdrawn"],
      plan_section_kind: [
        "what_helps",
        "what_does_not_help",
        "warning_signs",
        "crisis_contacts",
        "do_not_contact",
        "practical_arrangements",
      ],
      relationship: [
        "family",
        "friend",
        "professional",
        "peer",
        "community",
        "other",
      ],
      series_frequency: ["daily", "weekly"],
      sharing_category: [
        "practical",
        "general",
        "milestones",
        "wellbeing",
        "health",
      ],
      task_kind: [
        "meal",
        "ride",
        "errand",
        "household",
        "childcare",
        "pet_care",
        "check_in_call",
        "visit",
        "appointment_companion",
        "other",
      ],
      task_status: ["scheduled", "done", "cancelled"],
      update_status: ["draft", "pending", "published", "declined"],
    },
  },
} as const

